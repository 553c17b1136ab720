// The bank a routing round is handed to by the county task force (escalation.ts `hand_to_bank`):
// kept on the need as `handedTo`, read by the route step (routing.ts), which then offers the round
// to that bank only. Free of imports: the routing steps bundle it without the escalation rules.

/** The bank a routing round is handed to (need `handedTo`): the round offers the need to it alone. */
export interface HandedTo {
  bankId: string;
  /** The routing round it applies to (need `routingRound`; an amendment after it starts another). */
  round: number;
  at: string;
}

/** The bank the need's current round was handed to, if it was. */
export function handedBankOf(need: object): string | undefined {
  const { handedTo, routingRound } = need as { handedTo?: HandedTo; routingRound?: number };
  return handedTo && handedTo.round === (routingRound ?? 0) ? handedTo.bankId : undefined;
}
