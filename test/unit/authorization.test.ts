// The authorization matrix: role × caller jurisdiction × target division × action, every cell of it
// asserted against an oracle written differently from shared/domain/authorization.ts — string
// prefixes over a hand-written table of the levels of a representative set of divisions, instead of
// the division tree walk the domain does.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ACTIONS, authorize, permittedTargets, type Action } from '../../shared/domain/authorization';
import { chainOf, countyCodes } from '../support/division-tree';

/** Levels as an official would write them down; `city` = a prefecture-level city without counties. */
const LEVELS: Record<string, 'national' | 'province' | 'prefecture' | 'county' | 'city'> = {
  '000000': 'national',
  // Zhejiang: two prefectures, two counties of Hangzhou, one of Ningbo.
  '330000': 'province',
  '330100': 'prefecture',
  '330106': 'county',
  '330105': 'county',
  '330200': 'prefecture',
  '330203': 'county',
  // Guangdong: Guangzhou and a county of it; Dongguan, a prefecture-level city without counties.
  '440000': 'province',
  '440100': 'prefecture',
  '440106': 'county',
  '441900': 'city',
  // Henan: Zhengzhou, and Jiyuan, a province-administered county-level city (prefecture digits 90).
  '410000': 'province',
  '410100': 'prefecture',
  '419001': 'county',
  // Beijing, a municipality: districts directly under it.
  '110000': 'province',
  '110101': 'county',
  '110102': 'county',
};
/** Codes that are no jurisdiction and no current division (999999 is a report code, for national only). */
const NOT_DIVISIONS = ['110100', '419000', '999999', '123456', '130171', '620201', '３３００００', ' 330000', ''];
const CODES = [...Object.keys(LEVELS), ...NOT_DIVISIONS];
const ROLES = ['regulator', 'task_force', 'admin', 'bank', 'Regulator', ''];
const ACTION_NAMES = Object.keys(ACTIONS) as Action[];

/** The oracle: what each role may do, and "within" by shared code prefixes. */
const MAY: Record<string, readonly string[]> = {
  regulator: ['reports.read', 'progress.read'],
  task_force: ['progress.read', 'lists.read', 'visits.write', 'reviews.write', 'escalations.handle', 'negative-list.write', 'negative-list.read'],
  admin: ['banks.manage', 'negative-list.manage', 'settings.manage', 'negative-list.read'],
};
const WRITES = ['visits.write', 'reviews.write', 'escalations.handle', 'negative-list.write'];

function within(jurisdiction: string, target: string): boolean {
  const level = LEVELS[jurisdiction];
  if (!level || !LEVELS[target]) return false;
  if (level === 'national') return true;
  if (level === 'province') return target.slice(0, 2) === jurisdiction.slice(0, 2);
  if (level === 'prefecture') return target.slice(0, 4) === jurisdiction.slice(0, 4);
  return target === jurisdiction;
}

function oracle(role: string, jurisdiction: string, target: string, action: string): boolean {
  if (!(MAY[role] ?? []).includes(action) || !LEVELS[jurisdiction]) return false;
  if (action === 'reports.read') return within(jurisdiction, target) || (target === '999999' && jurisdiction === '000000');
  if (WRITES.includes(action)) return ['county', 'city'].includes(LEVELS[jurisdiction]!) && target === jurisdiction;
  return within(jurisdiction, target);
}

describe('authorize: the full matrix', () => {
  const cells = ROLES.flatMap((role) => CODES.flatMap((jurisdiction) => CODES.flatMap((target) => ACTION_NAMES.map((action) => ({ role, jurisdiction, target, action })))));

  it(`has ${ROLES.length} roles × ${CODES.length} jurisdictions × ${CODES.length} targets × ${ACTION_NAMES.length} actions = ${cells.length} cells, each as the oracle says`, () => {
    expect(cells.length).toBe(6 * 26 * 26 * 11);
    const wrong = cells.filter(({ role, jurisdiction, target, action }) => {
      const decision = authorize({ subject: 's', role, jurisdiction }, action, target);
      return decision.allowed !== oracle(role, jurisdiction, target, action);
    });
    expect(wrong.slice(0, 20)).toEqual([]);
    // Not vacuous: every real role is allowed somewhere and refused somewhere for each of its actions.
    for (const [role, actions] of Object.entries(MAY)) {
      for (const action of actions) {
        const decisions = cells.filter((c) => c.role === role && c.action === action).map((c) => authorize({ subject: 's', role, jurisdiction: c.jurisdiction }, c.action, c.target).allowed);
        expect(decisions, `${role} ${action}`).toContain(true);
        expect(decisions, `${role} ${action}`).toContain(false);
      }
    }
  });

  it.each([
    // [role, jurisdiction, target, action, allowed, reason]
    ['regulator', '330000', '330106', 'reports.read', true, undefined],
    ['regulator', '330106', '330100', 'reports.read', false, 'outside_jurisdiction'],
    ['regulator', '330100', '330200', 'reports.read', false, 'outside_jurisdiction'],
    ['regulator', '410100', '419001', 'reports.read', false, 'outside_jurisdiction'],
    ['regulator', '410000', '419001', 'reports.read', true, undefined],
    ['regulator', '000000', '999999', 'reports.read', true, undefined],
    ['regulator', '330000', '330106', 'lists.read', false, 'role'],
    ['regulator', '110100', '110101', 'reports.read', false, 'jurisdiction_invalid'],
    ['task_force', '330106', '330106', 'visits.write', true, undefined],
    ['task_force', '441900', '441900', 'escalations.handle', true, undefined],
    ['task_force', '419001', '419001', 'reviews.write', true, undefined],
    ['task_force', '330106', '330105', 'visits.write', false, 'outside_jurisdiction'],
    ['task_force', '330100', '330106', 'visits.write', false, 'not_county_level'],
    ['task_force', '330100', '330106', 'lists.read', true, undefined],
    ['task_force', '330106', '330100', 'lists.read', false, 'outside_jurisdiction'],
    ['task_force', '000000', '999999', 'lists.read', false, 'outside_jurisdiction'],
    ['task_force', '330106', '330106', 'reports.read', false, 'role'],
    ['admin', '000000', '000000', 'settings.manage', true, undefined],
    ['admin', '330000', '000000', 'settings.manage', false, 'outside_jurisdiction'],
    ['admin', '330000', '330203', 'negative-list.manage', true, undefined],
    ['task_force', '330106', '330106', 'negative-list.write', true, undefined],
    ['task_force', '330106', '330105', 'negative-list.write', false, 'outside_jurisdiction'],
    ['task_force', '330100', '330106', 'negative-list.write', false, 'not_county_level'],
    ['task_force', '330100', '330106', 'negative-list.read', true, undefined],
    ['task_force', '330106', '330105', 'negative-list.read', false, 'outside_jurisdiction'],
    ['regulator', '330000', '330106', 'negative-list.read', false, 'role'],
    ['admin', '330000', '330106', 'negative-list.read', true, undefined],
    ['admin', '330000', '330106', 'negative-list.write', false, 'role'],
    ['admin', '330000', '330106', 'reports.read', false, 'role'],
  ] as const)('%s of %s → %s, %s: %s (%s)', (role, jurisdiction, target, action, allowed, reason) => {
    expect(authorize({ subject: 's', role, jurisdiction }, action, target)).toEqual(allowed ? { allowed } : { allowed, reason });
  });

  it('refuses an action it does not know', () => {
    expect(authorize({ subject: 's', role: 'admin', jurisdiction: '000000' }, 'toString' as Action, '000000')).toEqual({ allowed: false, reason: 'unknown_action' });
    expect(authorize({ subject: 's', role: 'regulator', jurisdiction: '000000' }, 'reports.write' as Action, '000000')).toEqual({ allowed: false, reason: 'unknown_action' });
  });

  it('lets a regulator read a retired county under its old parent only', () => {
    const retired = { '330199': { parent: '330100', name: '旧区', validTo: '2020-12-31' } };
    expect(authorize({ subject: 's', role: 'regulator', jurisdiction: '330100' }, 'reports.read', '330199', retired).allowed).toBe(true);
    expect(authorize({ subject: 's', role: 'regulator', jurisdiction: '330200' }, 'reports.read', '330199', retired).allowed).toBe(false);
    expect(authorize({ subject: 's', role: 'task_force', jurisdiction: '330100' }, 'lists.read', '330199', retired).allowed).toBe(false);
  });
});

describe('permittedTargets', () => {
  it('keeps what the caller may see, in order, without duplicates', () => {
    const codes = ['000000', '330000', '330100', '330106', '330200', '320000', '110000', '110101', '441900', '999999', '123456', '330106'];
    expect(permittedTargets({ subject: 's', role: 'regulator', jurisdiction: '330000' }, 'reports.read', codes)).toEqual(['330000', '330100', '330106', '330200']);
    expect(permittedTargets({ subject: 's', role: 'regulator', jurisdiction: '000000' }, 'reports.read', codes)).toEqual(codes.slice(0, -2));
    expect(permittedTargets({ subject: 's', role: 'task_force', jurisdiction: '330000' }, 'reports.read', codes)).toEqual([]);
  });
});

describe('authorize over the real division tree', () => {
  const counties = countyCodes();

  it('a county task force writes in its own county only; wider task forces read their whole area', () => {
    fc.assert(
      fc.property(fc.constantFrom(...counties), fc.constantFrom(...counties), (a, b) => {
        for (const action of WRITES as Action[]) {
          expect(authorize({ subject: 's', role: 'task_force', jurisdiction: a }, action, b).allowed).toBe(a === b);
        }
        for (const j of chainOf(a)) {
          expect(authorize({ subject: 's', role: 'task_force', jurisdiction: j }, 'lists.read', b).allowed, `${j} → ${b}`).toBe(chainOf(b).includes(j));
        }
      }),
      { numRuns: 300 },
    );
  });
});
