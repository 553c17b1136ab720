// Authorization at the functions' edge: the caller from the authorizer's context, the one domain
// decision (shared/domain/authorization.ts), a log line for every decision (who, what, where,
// allowed or not; never a token), and the 403 problem when refused.
import { authorize, permittedTargets, type Action, type Caller } from '../domain/authorization';
import { callerOf, problemFor, type HttpEvent, type HttpResult } from './http';
import { logger } from './observability';

export type AccessResult = { ok: true; caller: Caller } | { ok: false; response: HttpResult };

const REFUSED = { zh: '当前身份无权执行此操作', en: 'Your identity may not do this' };

function logDecision(caller: Caller | undefined, action: string, resource: string, allowed: boolean, extra: Record<string, unknown> = {}): void {
  logger.info('authorization decision', {
    sub: caller?.subject,
    role: caller?.role,
    jurisdiction: caller?.jurisdiction,
    action,
    resource,
    allowed,
    ...extra,
  });
}

/** May the caller do `action` to `target`? The caller, or the 403 problem (with `detail` for the refusal). */
export function requireAccess(
  event: HttpEvent,
  action: Action,
  target: string,
  detail: { zh: string; en: string } = REFUSED,
): AccessResult {
  const caller = callerOf(event);
  const decision = caller ? authorize(caller, action, target) : ({ allowed: false, reason: 'no_caller' } as const);
  logDecision(caller, action, target, decision.allowed, decision.allowed ? {} : { reason: decision.reason });
  if (caller && decision.allowed) return { ok: true, caller };
  return { ok: false, response: problemFor(event, 'forbidden', detail) };
}

/** The targets among `targets` the caller may do `action` to (one log line: how many of how many). */
export function filterPermitted(caller: Caller, action: Action, resource: string, targets: readonly string[]): string[] {
  const permitted = permittedTargets(caller, action, targets);
  logDecision(caller, action, resource, permitted.length > 0, { permitted: permitted.length, of: targets.length });
  return permitted;
}
