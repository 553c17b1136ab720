// The progress route in both partitions: GET /v1/progress/{divisionCode} behind the officials'
// authorizer, on the progress function, which may read the counters table and no other table, and
// write nothing.
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { pascal } from '../../lib/functions';
import { ROUTES } from '../../lib/routes';
import { methodsAt, partitionTemplates, roleStatements } from './route-templates';

let templates: Record<string, Template> = {};
beforeAll(() => {
  templates = partitionTemplates('progress');
}, 180_000);

describe.each(['aws-cn', 'aws'])('progress in %s', (partition) => {
  it('routes GET /v1/progress/{divisionCode} to the progress function, behind the officials’ authorizer', () => {
    expect(ROUTES.filter((r) => r.path === '/v1/progress/{divisionCode}').map((r) => `${r.method} ${r.function} ${r.auth}`)).toEqual(['GET progress official']);
    const methods = methodsAt(templates[partition]!, '{divisionCode}', 'progress');
    expect(methods.map((m) => `${m.HttpMethod} ${m.AuthorizationType}`)).toEqual(['GET CUSTOM']);
    expect(JSON.stringify(methods[0]!.Integration)).toContain(`Functions${pascal('progress')}`);
  });

  it('reads the counters table and nothing else, and writes nothing', () => {
    const template = templates[partition]!;
    const tables = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'));
    const statements = roleStatements(template, `Functions${pascal('progress')}ServiceRole`).filter((s) => tables.some((table) => JSON.stringify(s.Resource).includes(table)));
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(JSON.stringify(statement.Resource)).toContain('DataCounters');
      // A whole-table read grant (CDK's grantReadData): reads only, no write of any kind.
      for (const action of [statement.Action].flat()) expect(action).not.toMatch(/Put|Update|Delete|Write|PartiQL/);
    }
  });
});
