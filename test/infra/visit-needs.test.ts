// The route of needs entered from visits in both partitions: POST
// /v1/counties/{countyCode}/visits/{visitedOn}/{visitId}/needs behind the officials' authorizer, on
// the visit-needs function; its grants on the needs table narrowed to needs, credit-code claims and
// the visits' partitions (the bank registry read only), never Scan; the keys its store writes fit them.
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { pascal } from '../../lib/functions';
import { FUNCTIONS, ROUTES } from '../../lib/routes';
import { bankKey } from '../../shared/adapters/routing-store';
import { latestNeedKey, needKey, openNeedClaimKey, referralKey } from '../../shared/adapters/need-repository';
import { visitKey } from '../../shared/adapters/visit-store';
import { leadingKeyMatches, methodsAt, needsGrantProblems, needsTableGrants, partitionTemplates } from './route-templates';

let templates: Record<string, Template> = {};
beforeAll(() => {
  templates = partitionTemplates('visit-needs');
}, 180_000);

const PATH = '/v1/counties/{countyCode}/visits/{visitedOn}/{visitId}/needs';

describe.each(['aws-cn', 'aws'])('needs from visits in %s', (partition) => {
  it('routes POST …/visits/{visitedOn}/{visitId}/needs to visit-needs, behind the officials’ authorizer', () => {
    expect(ROUTES.filter((route) => route.path === PATH).map((r) => `${r.method} ${r.function} ${r.auth}`)).toEqual(['POST visit-needs official']);
    const methods = methodsAt(templates[partition]!, 'needs', 'visitId');
    expect(methods.map((m) => m.HttpMethod)).toEqual(['POST']);
    expect(methods[0]!.AuthorizationType).toBe('CUSTOM');
    expect(JSON.stringify(methods[0]!.Integration)).toContain(`Functions${pascal('visit-needs')}`);
  });

  it('grants the needs table only in needs, claims and visits (the bank registry read only), no Scan, no index', () => {
    const template = templates[partition]!;
    const { statements: onNeeds, keys } = needsTableGrants(template, 'visit-needs');
    expect(keys).toEqual(expect.arrayContaining([['NEED#*', 'CREDITCODE#*', 'VISITS#*'], ['BANKS']]));
    expect(keys).toHaveLength(2);
    expect(needsGrantProblems(onNeeds)).toEqual([]);
  });
});

describe('the visit-needs function’s keys', () => {
  it('fit its leading keys: the need, its claim and pointer, the visit; never a referral or the registry outside its read-only keys', () => {
    const leading = FUNCTIONS['visit-needs'].leadingKeys.needs;
    for (const key of [needKey('01JCDXQ7Z3M8Y4N5P6R7S8T9VW'), openNeedClaimKey('9133010652601815X8'), latestNeedKey('9133010652601815X8'), visitKey({ countyCode: '330106', creditCode: '9133010652601815X8', visitedOn: '2026-11-30' })]) {
      expect(leadingKeyMatches(leading, key.pk)).toBe(true);
    }
    expect(leadingKeyMatches(leading, referralKey('R1').pk)).toBe(false);
    expect(leadingKeyMatches(leading, bankKey('any-bank').pk)).toBe(false);
    expect(leadingKeyMatches(FUNCTIONS['visit-needs'].readOnlyKeys.needs, bankKey('any-bank').pk)).toBe(true);
  });
});
