/**
 * Every authorization decision of smefin, in one function: may this official (role, jurisdiction)
 * do this action to this division? Handlers call {@link authorize} and nothing else; the Lambda
 * authorizer only proves who the caller is (a verified token of the configured issuer) and passes
 * `role`, `jurisdiction` and `sub` on.
 *
 * Rules (a jurisdiction and a target are 6-digit division codes; see ./jurisdiction.ts for the tree):
 * - The caller's jurisdiction must be a current division code (national 000000, a province, a real
 *   prefecture or a county-level unit); placeholders (110100, 419000), the unknown bucket 999999,
 *   aliases, retired codes and malformed codes are no jurisdiction: every action is refused.
 * - `regulator`: `reports.read` of any report within its jurisdiction (own division and below;
 *   retired counties under their old parent; the unknown bucket for national only).
 * - `task_force`: the county's work. A county-level task force (its jurisdiction a county-level unit,
 *   including the prefecture-level cities without counties such as 441900) may `lists.read`,
 *   `visits.write`, `reviews.write`, `escalations.handle` and `negative-list.write` in its own county. A task force with a
 *   wider jurisdiction (prefecture, province, national) coordinates: `lists.read` and
 *   `negative-list.read` of any current division within it, nothing that writes.
 * - `progress.read` (a county's progress, read only): a `task_force` or a `regulator`, for any current
 *   division within its jurisdiction.
 * - `admin`: `banks.manage`, `negative-list.manage` (and `negative-list.read`), `settings.manage` for
 *   any current division within its jurisdiction (national settings therefore need a national admin).
 * - Nothing else: a role may do only the actions listed for it, and no action reaches outside the
 *   caller's jurisdiction (never a parent, never a sibling).
 *
 * Pure module: no I/O, no environment.
 */
import { isCountyCode } from './divisions';
import { ancestry, isJurisdiction, isWithin } from './jurisdiction';
import { RETIRED_COUNTIES, type RetiredCounty } from './rollup';

export const ROLES = ['regulator', 'task_force', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * What an action needs. `reports`: a report code within the jurisdiction. `coordination`: a current
 * division within the jurisdiction, at any level. `own-county`: the caller's own county, by a
 * county-level caller only. `manage`: a current division within the jurisdiction.
 */
type Scope = 'reports' | 'coordination' | 'own-county' | 'manage';

export const ACTIONS = {
  'reports.read': { role: 'regulator', scope: 'reports' },
  'lists.read': { role: 'task_force', scope: 'coordination' },
  'visits.write': { role: 'task_force', scope: 'own-county' },
  'reviews.write': { role: 'task_force', scope: 'own-county' },
  'escalations.handle': { role: 'task_force', scope: 'own-county' },
  // A county's progress (the workspace's coordinator view): task forces and regulators alike, read only.
  'progress.read': { role: ['task_force', 'regulator'], scope: 'coordination' },
  'banks.manage': { role: 'admin', scope: 'manage' },
  'negative-list.manage': { role: 'admin', scope: 'manage' },
  // The workspace's negative list: a county's own task force keeps its county's entries; coordinators
  // (and admins) above it read them.
  'negative-list.write': { role: 'task_force', scope: 'own-county' },
  'negative-list.read': { role: ['task_force', 'admin'], scope: 'coordination' },
  'settings.manage': { role: 'admin', scope: 'manage' },
} as const satisfies Record<string, { role: Role | readonly Role[]; scope: Scope }>;
export type Action = keyof typeof ACTIONS;

/** An official as the authorizer passed them on (role and jurisdiction still to be checked here). */
export interface Caller {
  subject: string;
  role: string;
  jurisdiction: string;
}

export type DenialReason =
  /** Not an action of this system. */
  | 'unknown_action'
  /** The caller's role may not do this action. */
  | 'role'
  /** The caller's jurisdiction is not a current division code. */
  | 'jurisdiction_invalid'
  /** The action writes in a county, and the caller's jurisdiction is wider than one county. */
  | 'not_county_level'
  /** The target is not within the caller's jurisdiction (or is no division the action applies to). */
  | 'outside_jurisdiction';

export type Decision = { allowed: true } | { allowed: false; reason: DenialReason };

const ALLOW: Decision = Object.freeze({ allowed: true });
const deny = (reason: DenialReason): Decision => ({ allowed: false, reason });

/** A current division within the jurisdiction (no report-only codes: no bucket, no retired county). */
function currentWithin(jurisdiction: string, target: string): boolean {
  return isJurisdiction(target) && (ancestry(target)?.includes(jurisdiction) ?? false);
}

/** The one authorization decision: may `caller` do `action` to the division `target`? */
export function authorize(
  caller: Caller,
  action: Action,
  target: string,
  retired: Readonly<Record<string, RetiredCounty>> = RETIRED_COUNTIES,
): Decision {
  const rule = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
  if (!rule) return deny('unknown_action');
  const roles: readonly string[] = typeof rule.role === 'string' ? [rule.role] : rule.role;
  if (!roles.includes(caller.role)) return deny('role');
  if (!isJurisdiction(caller.jurisdiction)) return deny('jurisdiction_invalid');
  switch (rule.scope as Scope) {
    case 'reports':
      return isWithin(caller.jurisdiction, target, retired) ? ALLOW : deny('outside_jurisdiction');
    case 'coordination':
    case 'manage':
      return currentWithin(caller.jurisdiction, target) ? ALLOW : deny('outside_jurisdiction');
    case 'own-county':
      if (!isCountyCode(caller.jurisdiction)) return deny('not_county_level');
      return target === caller.jurisdiction ? ALLOW : deny('outside_jurisdiction');
  }
}

/** The targets among `targets` the caller may do `action` to, in the given order, without duplicates. */
export function permittedTargets(caller: Caller, action: Action, targets: Iterable<string>): string[] {
  return [...new Set(targets)].filter((target) => authorize(caller, action, target).allowed);
}
