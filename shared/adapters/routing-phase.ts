// GSI `byRouting` of the needs table (docs/data-model.md): sparse, keys only, the open needs by
// routing phase and submission time. Partition key `itemType` (= `need`), sort key `routingPhase` =
// `<phase>#<submittedAt>#<needId>`, present only while the need is open:
//   waiting#…  from submission until the Route step takes the need (status `submitted`): what the
//              routing sweeper and the redrive command read;
//   routed#…   while routing goes on (screening … accepted): with the waiting ones, what the local
//              runtime's restart reads (the sweeper's `lost` mode);
// removed when the need closes. So the attribute changes twice in a need's life (routing starts, the
// need closes), not at every status change. The last part names the routing execution: the need id,
// or `<needId>-a<round>` after an amendment routes it again (need-changes.ts).
import { OPEN_STATUSES, type NeedRecord, type NeedStatus } from '../domain/need-record';
import { routingExecutionName } from '../domain/routing-execution';

export const NEEDS_BY_ROUTING_INDEX = 'byRouting';
export const ROUTING_PHASE_ATTRIBUTE = 'routingPhase';
/** The partition of the index: every need item carries `itemType = need`. */
export const NEED_ITEM_TYPE = 'need';

export type RoutingPhase = 'waiting' | 'routed';

/** The phase of a need in this status, or undefined once it is closed (out of the index). */
export function routingPhase(status: NeedStatus): RoutingPhase | undefined {
  // A need awaiting its consent is open (it holds the credit code) but no workflow runs for it.
  if (!OPEN_STATUSES.has(status) || status === 'awaiting_consent') return undefined;
  return status === 'submitted' ? 'waiting' : 'routed';
}

/** The sort key of a need in a phase. */
export const routingPhaseValue = (phase: RoutingPhase, need: Pick<NeedRecord, 'submittedAt' | 'needId'>) =>
  `${phase}#${need.submittedAt}#${need.needId}`;

/** The attribute a need is written with, for its status (none when closed). */
export function routingPhaseKey(need: Pick<NeedRecord, 'status' | 'submittedAt' | 'needId'> & { routingRound?: number }): { routingPhase?: string } {
  const phase = routingPhase(need.status);
  return phase ? { [ROUTING_PHASE_ATTRIBUTE]: routingPhaseValue(phase, { submittedAt: need.submittedAt, needId: routingExecutionName(need) }) } : {};
}
