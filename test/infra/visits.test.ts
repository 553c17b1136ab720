// The visits routes in both partitions: POST and GET /v1/counties/{countyCode}/visits behind the
// officials' authorizer, on the visits function; its grants on the needs table narrowed to the
// county-month visit partitions (and the bank registry, read only), never Scan; the keys the store
// writes fit them.
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { pascal } from '../../lib/functions';
import { FUNCTIONS, ROUTES } from '../../lib/routes';
import { bankKey } from '../../shared/adapters/routing-store';
import { needKey } from '../../shared/adapters/need-repository';
import { visitedEntityKey, visitKey } from '../../shared/adapters/visit-store';
import { leadingKeyMatches, needsGrantProblems, needsTableGrants, partitionTemplates } from './route-templates';

let templates: Record<string, Template> = {};
beforeAll(() => {
  templates = partitionTemplates('visits');
}, 180_000);

const matches = leadingKeyMatches;

describe.each(['aws-cn', 'aws'])('visits in %s', (partition) => {
  it('routes POST and GET /v1/counties/{countyCode}/visits to the visits function, behind the officials’ authorizer', () => {
    const template = templates[partition]!;
    const routes = ROUTES.filter((route) => route.path === '/v1/counties/{countyCode}/visits');
    expect(routes.map((r) => `${r.method} ${r.function} ${r.auth}`).sort()).toEqual(['GET visits official', 'POST visits official']);
    const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    const visitsResource = Object.entries(resources).find(([, r]) => r.Type === 'AWS::ApiGateway::Resource' && r.Properties.PathPart === 'visits')?.[0];
    expect(visitsResource).toBeDefined();
    const methods = Object.values(resources).filter(
      (r) => r.Type === 'AWS::ApiGateway::Method' && JSON.stringify(r.Properties.ResourceId) === JSON.stringify({ Ref: visitsResource }) && r.Properties.HttpMethod !== 'OPTIONS',
    );
    expect(methods.map((m) => m.Properties.HttpMethod).sort()).toEqual(['GET', 'POST']);
    for (const method of methods) {
      expect(method.Properties.AuthorizationType).toBe('CUSTOM');
      expect(JSON.stringify(method.Properties.Integration)).toContain(`Functions${pascal('visits')}`);
    }
  });

  it('grants the needs table only in the visit partitions (the bank registry read only), no Scan', () => {
    const template = templates[partition]!;
    const { statements: onNeeds, keys } = needsTableGrants(template, 'visits');
    expect(keys).toEqual(expect.arrayContaining([['VISITS#*'], ['BANKS']]));
    expect(keys).toHaveLength(2);
    expect(needsGrantProblems(onNeeds)).toEqual([]);
  });
});

describe('the visits function’s keys', () => {
  it('fit its leading keys: the visits and their month markers, never a need; the registry in its read-only keys', () => {
    const leading = FUNCTIONS.visits.leadingKeys.needs;
    const visit = { countyCode: '330106', creditCode: '9133010652601815X8', visitedOn: '2026-11-30' };
    expect(matches(leading, visitKey(visit).pk)).toBe(true);
    expect(matches(leading, visitedEntityKey(visit).pk)).toBe(true);
    expect(visitKey(visit).pk).toBe(visitedEntityKey(visit).pk);
    expect(matches(leading, needKey('01JCDXQ7Z3M8Y4N5P6R7S8T9VW').pk)).toBe(false);
    expect(matches(leading, bankKey('any-bank').pk)).toBe(false);
    expect(matches(FUNCTIONS.visits.readOnlyKeys.needs, bankKey('any-bank').pk)).toBe(true);
  });
});
