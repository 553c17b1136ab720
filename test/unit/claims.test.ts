// Claim mapping: the official behind verified claims, with the stage's claim names.
import { describe, expect, it } from 'vitest';
import { callerFromClaims, DEFAULT_CLAIM_NAMES } from '../../shared/domain/claims';

describe('callerFromClaims', () => {
  it('reads the default (Cognito) claim names', () => {
    expect(callerFromClaims({ sub: 'u1', 'custom:role': 'regulator', 'custom:jurisdiction': '330000' })).toEqual({
      ok: true,
      caller: { subject: 'u1', role: 'regulator', jurisdiction: '330000' },
    });
    expect(DEFAULT_CLAIM_NAMES).toEqual({ role: 'custom:role', jurisdiction: 'custom:jurisdiction' });
  });

  it('reads the claim names a stage configures, and ignores the defaults then', () => {
    const names = { role: 'smefin_role', jurisdiction: 'division_code' };
    expect(callerFromClaims({ sub: 'u2', smefin_role: 'task_force', division_code: '330106' }, names)).toEqual({
      ok: true,
      caller: { subject: 'u2', role: 'task_force', jurisdiction: '330106' },
    });
    expect(callerFromClaims({ sub: 'u2', 'custom:role': 'admin', 'custom:jurisdiction': '000000' }, names)).toEqual({ ok: false, problem: 'role' });
  });

  it('reads nested claims by a dotted path (Keycloak realm roles) and one known role out of a list', () => {
    const names = { role: 'realm_access.roles', jurisdiction: 'attributes.division' };
    const claims = { sub: 'k', realm_access: { roles: ['offline_access', 'admin'] }, attributes: { division: '440000' } };
    expect(callerFromClaims(claims, names)).toEqual({ ok: true, caller: { subject: 'k', role: 'admin', jurisdiction: '440000' } });
    // Two known roles are ambiguous.
    expect(callerFromClaims({ ...claims, realm_access: { roles: ['admin', 'regulator'] } }, names)).toEqual({ ok: false, problem: 'role' });
    // Cognito groups as the role claim; a literal key with a dot wins over a path.
    expect(callerFromClaims({ sub: 'c', 'cognito:groups': ['regulator'], 'a.b': '110101', a: { b: '000000' } }, { role: 'cognito:groups', jurisdiction: 'a.b' })).toEqual({
      ok: true,
      caller: { subject: 'c', role: 'regulator', jurisdiction: '110101' },
    });
  });

  it.each([
    [{ 'custom:role': 'regulator', 'custom:jurisdiction': '330000' }, 'subject'],
    [{ sub: '', 'custom:role': 'regulator', 'custom:jurisdiction': '330000' }, 'subject'],
    [{ sub: 'x', 'custom:jurisdiction': '330000' }, 'role'],
    [{ sub: 'x', 'custom:role': 'bank', 'custom:jurisdiction': '330000' }, 'role'],
    [{ sub: 'x', 'custom:role': 'Regulator', 'custom:jurisdiction': '330000' }, 'role'],
    [{ sub: 'x', 'custom:role': 'regulator' }, 'jurisdiction'],
    [{ sub: 'x', 'custom:role': 'regulator', 'custom:jurisdiction': 330000 }, 'jurisdiction'],
    [{ sub: 'x', 'custom:role': 'regulator', 'custom:jurisdiction': '110100' }, 'jurisdiction'],
    [{ sub: 'x', 'custom:role': 'regulator', 'custom:jurisdiction': '３３００００' }, 'jurisdiction'],
    [{ sub: 'x', 'custom:role': 'regulator', 'custom:jurisdiction': '999999' }, 'jurisdiction'],
    [{ sub: 'x', role: 'regulator', jurisdiction: '330000' }, 'role'],
  ])('refuses %j (%s)', (claims, problem) => {
    expect(callerFromClaims(claims as Record<string, unknown>)).toEqual({ ok: false, problem });
  });

  it('refuses no claims', () => {
    expect(callerFromClaims(undefined)).toEqual({ ok: false, problem: 'subject' });
  });
});
