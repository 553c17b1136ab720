// The task force's review in both partitions: the wait in the referral workflow's definition (a
// WaitForTaskToken state on the routing steps, its timeout from the route step's answer, its catches),
// the decisions routes behind the officials' authorizer, and the reviews function's least privilege:
// needs only in the county index, the need items and the credit-code claims, never Scan; the audit
// PutItem only in need partitions; SendTaskSuccess on the routing workflow and nothing else of it;
// the stage's review settings given only to the functions that read them.
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { pascal } from '../../lib/functions';
import { FUNCTIONS, ROUTES } from '../../lib/routes';
import { STAGES } from '../../lib/smefin-stack';
import { needKey, openNeedClaimKey } from '../../shared/adapters/need-repository';
import { reviewSettingKey } from '../../shared/adapters/review-settings-store';
import { leadingKeyMatches, methodsAt, needsTableGrants, partitionTemplates, roleStatements } from './route-templates';

let templates: Record<string, Template> = {};
beforeAll(() => {
  templates = partitionTemplates('reviews');
}, 180_000);

/** The routing workflow's definition with its tokens left as they are (only the states are read). */
function definitionOf(template: Template): { States: Record<string, Record<string, any>> } {
  const machines = Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).filter(([id]) => id.startsWith('Referral'));
  const join = (machines[0]![1].Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return JSON.parse(join.map((part) => (typeof part === 'string' ? part : 'x')).join(''));
}

describe.each(['aws-cn', 'aws'])('the review in %s', (partition) => {
  it('waits in Review (task token on the routing steps, timeout from the route step), decided through Reviewed?', () => {
    const { States } = definitionOf(templates[partition]!);
    const routed = States['Routed?']!;
    expect(routed.Choices).toContainEqual({ Variable: '$.offer.review', IsPresent: true, Next: 'Review' });
    const review = States.Review!;
    expect(review.Resource).toContain('waitForTaskToken');
    expect(review.TimeoutSecondsPath).toBe('$.offer.review.timeoutSeconds');
    expect(review.Parameters.Payload).toMatchObject({ action: 'review-wait', 'needId.$': '$.needId', 'taskToken.$': '$$.Task.Token' });
    expect(review.Catch.map((c: { ErrorEquals: string[]; Next: string }) => [c.ErrorEquals, c.Next])).toEqual([
      [['NeedWithdrawn'], 'Withdrawn'],
      [['States.Timeout', 'ReviewNotWaiting'], 'ReviewCheck'],
      [['States.ALL'], 'RecordFailure'],
    ]);
    expect(review.Next).toBe('Reviewed?');
    expect(States.ReviewCheck!.Next).toBe('Reviewed?');
    expect(States.ReviewCheck!.Catch).toContainEqual(expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'RecordFailure' }));
    const reviewed = States['Reviewed?']!.Choices.map((c: Record<string, unknown>) => [c.Variable, c.StringEquals ?? c.IsPresent, c.Next]);
    expect(reviewed).toEqual([
      ['$.reviewed.timeoutSeconds', true, 'ReviewWaitsOn'],
      ['$.reviewed.withdrawn', true, 'Withdrawn'],
      ['$.reviewed.decision', 'recommend', 'Route'],
      ['$.reviewed.decision', 'return', 'Returned'],
      ['$.reviewed.decision', 'not_recommended', 'NotRecommended'],
    ]);
    expect(States.ReviewWaitsOn).toMatchObject({ Type: 'Pass', InputPath: '$.reviewed.timeoutSeconds', ResultPath: '$.offer.review.timeoutSeconds', Next: 'Review' });
  });

  it('routes POST and GET /v1/counties/{countyCode}/reviews to the reviews function, behind the officials’ authorizer', () => {
    expect(ROUTES.filter((r) => r.path === '/v1/counties/{countyCode}/reviews').map((r) => `${r.method} ${r.function} ${r.auth}`).sort()).toEqual([
      'GET reviews official',
      'POST reviews official',
    ]);
    const methods = methodsAt(templates[partition]!, 'reviews', 'countyCode');
    expect(methods.map((m) => m.HttpMethod).sort()).toEqual(['GET', 'POST']);
    for (const method of methods) {
      expect(method.AuthorizationType).toBe('CUSTOM');
      expect(JSON.stringify(method.Integration)).toContain(`Functions${pascal('reviews')}`);
    }
  });

  it('gives the reviews function least privilege: needs keys of the county, its needs and claims, no Scan; audit PutItem in need partitions; SendTaskSuccess only', () => {
    const template = templates[partition]!;
    const { statements, keys } = needsTableGrants(template, 'reviews');
    expect(keys).toEqual(expect.arrayContaining([['COUNTY#*', 'NEED#*', 'CREDITCODE#*'], ['CALENDAR']]));
    expect(keys.every((k) => k !== undefined)).toBe(true);
    for (const statement of statements) expect([statement.Action].flat()).not.toContain('dynamodb:Scan');
    const all = roleStatements(template, `Functions${pascal('reviews')}ServiceRole`);
    const audit = all.filter((s) => JSON.stringify(s.Resource).includes('DataAudit'));
    expect(audit.flatMap((s) => [s.Action].flat())).toEqual(['dynamodb:PutItem']);
    expect(audit.map((s) => s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'])).toEqual([['NEED#*']]);
    const states = all.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('states:'));
    expect(states.sort()).toEqual(['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess']);
    expect(states).not.toContain('states:StartExecution');
  });

  it('gives the review settings to the route step and the reviews function only', () => {
    const functions = Object.entries(templates[partition]!.findResources('AWS::Lambda::Function'));
    const withSetting = functions.filter(([, f]) => f.Properties.Environment?.Variables?.REVIEW_DEFAULT !== undefined).map(([id]) => id);
    expect(withSetting.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([`Functions${pascal('reviews')}`, `Functions${pascal('routing-steps')}`].sort());
    const steps = functions.find(([id]) => id.startsWith(`Functions${pascal('routing-steps')}`))![1];
    expect(steps.Properties.Environment.Variables).toMatchObject({ REVIEW_DEFAULT: partition === 'aws-cn' ? 'manual' : 'auto', REVIEW_WORKING_DAYS: '5' });
  });
});

describe('the review’s keys', () => {
  it('fit the reviews function’s leading keys; the settings live in the routing steps’ table, beside no need', () => {
    const leading = FUNCTIONS.reviews.leadingKeys.needs;
    expect(leadingKeyMatches(leading, needKey('01JCDXQ7Z3M8Y4N5P6R7S8T9VW').pk)).toBe(true);
    expect(leadingKeyMatches(leading, openNeedClaimKey('9133010652601815X8').pk)).toBe(true);
    expect(leadingKeyMatches(leading, reviewSettingKey('330108').pk)).toBe(false); // the decisions API cannot change a setting
    expect(STAGES.prod!.review?.default).toBe('manual');
    expect(STAGES.dev!.review?.default).toBe('auto');
  });
});
