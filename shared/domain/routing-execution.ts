// The names of a need's routing executions: the need id for the first round, `<needId>-a<round>` for
// each round an amendment starts (need-changes.ts), so a new round never collides with the first.
// Free of zod: the adapters every handler loads (routing-phase.ts) read it.

export function routingExecutionName(need: { needId: string; routingRound?: number | undefined }): string {
  return need.routingRound ? `${need.needId}-a${need.routingRound}` : need.needId;
}

/** The need id of a routing execution's name. */
export function needIdOfExecution(name: string): string {
  const dash = name.indexOf('-');
  return dash < 0 ? name : name.slice(0, dash);
}
