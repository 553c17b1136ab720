// The referral workflow's infrastructure: the synthesized definition is valid ASL and has the
// shape the routing relies on; the pipe, and the least privilege of the roles around it.
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { NEW_NEED_FILTER } from '../../lib/referral-workflow';
import { SmefinStack } from '../../lib/smefin-stack';
import { chinaStage } from './stages';

const validate = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

let template: Template;
let definition: { StartAt: string; States: Record<string, Record<string, any>> };
let stack: SmefinStack;

/** The definition string with CloudFormation tokens replaced by plausible ARNs. */
function resolveDefinition(value: unknown): string {
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const att = (part as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'];
      if (att) return `arn:aws-cn:lambda:cn-northwest-1:123456789012:function:${att[0]}`;
      const ref = (part as { Ref?: string }).Ref;
      return ref === 'AWS::Partition' ? 'aws-cn' : ref === 'AWS::Region' ? 'cn-northwest-1' : '123456789012';
    })
    .join('');
}

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new SmefinStack(app, 'smefin-wf', chinaStage(), { env: { account: '123456789012', region: 'cn-northwest-1' } });
  template = Template.fromStack(stack);
  const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
  definition = JSON.parse(resolveDefinition(machine.Properties.DefinitionString));
});

describe('referral state machine', () => {
  it('is a Standard workflow with X-Ray and logging level ALL', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    });
  });

  it('passes asl-validator', () => {
    const result = validate(definition);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('waits for the bank with a task token and a deadline from the state; on timeout, re-routes, waits on or takes the answer by the stored deadline', () => {
    for (const [name, prefix, answeredWhen, answered] of [
      ['Offer', 'OfferDeadline', 'accepted', 'OfferDeadlineAnswered'],
      ['AwaitDecision', 'DecisionDeadline', 'granted', 'Granted'],
    ] as const) {
      const state = definition.States[name]!;
      expect(state.Resource).toContain(':states:::lambda:invoke.waitForTaskToken');
      expect(state.TimeoutSecondsPath).toMatch(/^\$\./);
      expect(state.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
      // referral-wait keeps with the token that this definition takes a decline as a task failure.
      expect(state.Parameters.Payload.declineAs).toBe('failure');
      const onTimeout = state.Catch.find((c: { ErrorEquals: string[] }) => c.ErrorEquals.includes('States.Timeout'));
      const deadlineStep = definition.States[onTimeout.Next]!;
      expect(deadlineStep.ResultPath).toBe('$.deadline');
      const choice = definition.States[deadlineStep.Next]!;
      expect(deadlineStep.Next).toBe(`${prefix}?`);
      expect(choice.Default).toBe('Route');
      const outcomes = choice.Choices.map((c: { Variable: string; StringEquals: string }) => `${c.Variable}=${c.StringEquals}`);
      // `answer` exists only when answered: the outcome rules come first.
      expect(outcomes).toEqual(['$.deadline.outcome=not_due', '$.deadline.outcome=expired', `$.deadline.answer.outcome=${answeredWhen}`]);
      const next = choice.Choices.map((c: { Next: string }) => c.Next);
      // Not due yet: the remaining seconds become the wait's timeout, and it waits again.
      const waitsOn = definition.States[next[0]]!;
      expect(waitsOn).toMatchObject({ Type: 'Pass', InputPath: '$.deadline.timeoutSeconds', ResultPath: state.TimeoutSecondsPath, Next: name });
      expect(next[1]).toBe('Route');
      expect(next[2]).toBe(answered);
      // A decline ends the wait as the task failure BankDeclined: routed on to the next bank.
      expect(state.Catch.find((c: { ErrorEquals: string[] }) => c.ErrorEquals.includes('BankDeclined'))).toMatchObject({ Next: 'Route', ResultPath: null });
    }
    // Answered as the offer's timer fired: the answer goes where the resumed task would have put it.
    expect(definition.States.OfferDeadlineAnswered).toMatchObject({ Type: 'Pass', InputPath: '$.deadline.answer', ResultPath: '$.answer', Next: 'AwaitDecision' });
    // A bank or secret that is gone: next bank at once.
    expect(definition.States.Offer!.Catch[0]).toMatchObject({ ErrorEquals: ['BankUnavailable'], Next: 'Route' });
  });

  it('has no Choice state between a wait and its answer: the shortest granted path is Route → Routed? → Offer → AwaitDecision', () => {
    expect(definition.StartAt).toBe('Route');
    expect(definition.States.Route!.Next).toBe('Routed?');
    const routed = definition.States['Routed?']!;
    expect(routed.Choices).toEqual([
      expect.objectContaining({ Variable: '$.offer.found', BooleanEquals: true, Next: 'Offer' }),
      expect.objectContaining({ Variable: '$.offer.withdrawn', IsPresent: true, Next: 'Withdrawn' }),
      // A county that reviews by hand: the task force's review first (test/infra/review.test.ts).
      expect.objectContaining({ Variable: '$.offer.review', IsPresent: true, Next: 'Review' }),
      // No consent on record (a need entered from a visit that a redrive started): nothing offered.
      expect.objectContaining({ Variable: '$.offer.awaitingConsent', IsPresent: true, Next: 'AwaitingConsent' }),
      expect.objectContaining({ Variable: '$.offer.recommended', BooleanEquals: false, Next: 'NotRecommended' }),
    ]);
    expect(routed.Default).toBe('Unmatched');
    expect(definition.States.Offer!.Next).toBe('AwaitDecision');
    expect(definition.States.AwaitDecision!.End).toBe(true);
  });

  it('retries plain steps with backoff and jitter, and records a failure instead of leaving the execution stuck', () => {
    for (const name of ['Route', 'OfferDeadlineMissed', 'DecisionDeadlineMissed']) {
      const state = definition.States[name]!;
      expect(state.Retry[0]).toMatchObject({ ErrorEquals: ['States.ALL'], BackoffRate: 2, JitterStrategy: 'FULL' });
      expect(state.Catch.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'RecordFailure' });
    }
    expect(definition.States.RecordFailure!.Next).toBe('Failed');
    expect(definition.States.Failed!.Type).toBe('Fail');
  });

  it('ends in one of the outcomes the need can have', () => {
    const ends = Object.entries(definition.States)
      .filter(([, state]) => state.Type === 'Succeed' || state.Type === 'Fail')
      .map(([name]) => name)
      .sort();
    // Returned: the task force's review asked the enterprise for more (it may amend: a new round); ReviewAnswerUnknown: a review wait that ended with an answer no rule takes.
    expect(ends).toEqual(['AwaitingConsent', 'Failed', 'Granted', 'NotRecommended', 'Returned', 'ReviewAnswerUnknown', 'Unmatched', 'Withdrawn']);
  });

  it('ends a wait the enterprise withdrew (the bank told, the end) or amended (the bank told, routed again)', () => {
    for (const name of ['Offer', 'AwaitDecision']) {
      const catches = definition.States[name]!.Catch as { ErrorEquals: string[]; Next: string }[];
      expect(catches).toContainEqual(expect.objectContaining({ ErrorEquals: ['NeedWithdrawn'], Next: 'TellBankWithdrawn' }));
      expect(catches).toContainEqual(expect.objectContaining({ ErrorEquals: ['NeedAmended'], Next: 'TellBankAmended' }));
      // Caught before the catch-all that records a failure.
      expect(catches.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'RecordFailure' });
    }
    expect(definition.States.TellBankWithdrawn).toMatchObject({ Type: 'Task', Next: 'Withdrawn' });
    expect(definition.States.TellBankAmended).toMatchObject({ Type: 'Task', Next: 'Route' });
    expect(JSON.stringify(definition.States.TellBankWithdrawn!.Parameters)).toContain('"action":"withdrawn"');
  });
});

describe('starting routing from the needs stream', () => {
  it('has a pipe from the needs table stream, filtered to new needs, into start-routing', () => {
    template.hasResourceProperties('AWS::Pipes::Pipe', {
      Source: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataNeeds'), 'StreamArn'] },
      SourceParameters: {
        DynamoDBStreamParameters: Match.objectLike({ StartingPosition: 'TRIM_HORIZON' }),
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(NEW_NEED_FILTER) }] },
      },
      Target: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FunctionsStartRouting'), 'Arn'] },
    });
  });
});

describe('least privilege', () => {
  const policiesOf = (functionPrefix: string) =>
    Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes(functionPrefix),
    );
  const actionsOf = (functionPrefix: string) =>
    policiesOf(functionPrefix).flatMap((policy) =>
      policy.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()),
    );

  it('only start-routing may start executions, only bank-webhook may answer tasks', () => {
    expect(actionsOf('FunctionsStartRouting')).toContain('states:StartExecution');
    expect(actionsOf('FunctionsBankWebhook')).toEqual(expect.arrayContaining(['states:SendTaskSuccess']));
    for (const other of ['FunctionsSubmitNeed', 'FunctionsRoutingSteps', 'FunctionsReferralWait', 'FunctionsNeedStatus']) {
      expect(actionsOf(other).filter((a) => a.startsWith('states:'))).toEqual([]);
    }
  });

  it("reads banks' secrets only under the stage's prefix, and only where needed", () => {
    const secretStatements = (prefix: string) =>
      policiesOf(prefix)
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((s: { Action: string | string[] }) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
    for (const fn of ['FunctionsBankWebhook', 'FunctionsReferralWait']) {
      const [statement] = secretStatements(fn);
      expect(statement.Action).toBe('secretsmanager:GetSecretValue');
      expect(JSON.stringify(statement.Resource)).toContain(':secret:smefin/prod/banks/*');
    }
    expect(secretStatements('FunctionsSubmitNeed')).toEqual([]);
  });

  it('the state machine may invoke only its two step functions', () => {
    const role = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.Roles).includes('ReferralStateMachineRole'),
    )!;
    const invoked = JSON.stringify(
      role.Properties.PolicyDocument.Statement.filter((s: { Action: string | string[] }) => [s.Action].flat().includes('lambda:InvokeFunction')),
    );
    expect(invoked).toContain('FunctionsRoutingSteps');
    expect(invoked).toContain('FunctionsReferralWait');
    expect(invoked).not.toContain('FunctionsSubmitNeed');
    expect(invoked).not.toContain('FunctionsBankWebhook');
    expect(Stack.of(stack).resolve(stack.workflow.stateMachine.stateMachineArn)).toBeTruthy();
  });
});
