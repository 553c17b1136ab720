// Synthesizes the real CDK stack in-process (asset bundling skipped: the local runtime runs the
// TypeScript entry files directly) and reads what the local runtime needs from the template: the
// tables to create and each function's environment. Nothing here restates the infrastructure.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { FUNCTIONS, type FunctionName } from '../lib/routes';
import { SmefinStack, STAGES } from '../lib/smefin-stack';

export type CfnValue = string | number | boolean | null | { [key: string]: CfnValue } | CfnValue[];
export interface CfnResource {
  Type: string;
  Properties?: Record<string, CfnValue>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: CfnValue }>;
}

export interface LocalSynthesis {
  template: CfnTemplate;
  /** Logical id of each function in the route table. */
  functionIds: Record<FunctionName, string>;
}

const LOCAL_STACK_NAME = 'smefin-local';

export function synthesizeLocal(outdir: string): LocalSynthesis {
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new SmefinStack(app, LOCAL_STACK_NAME, STAGES.dev!);
  const assembly = app.synth();
  const template = assembly.getStackByName(LOCAL_STACK_NAME).template as CfnTemplate;
  return { template, functionIds: functionLogicalIds(stack) };
}

/** Logical id of each function in the route table, in a stack's template. */
export function functionLogicalIds(stack: SmefinStack): Record<FunctionName, string> {
  return Object.fromEntries(
    (Object.keys(FUNCTIONS) as FunctionName[]).map((name) => [
      name,
      Stack.of(stack).getLogicalId(stack.functions.byName[name].node.defaultChild as CfnElement),
    ]),
  ) as Record<FunctionName, string>;
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/**
 * A function's environment with CloudFormation intrinsics resolved for the local runtime: `Ref` to a
 * resource gives what `refValue` says (by default its local name, the logical id), and the variables
 * in `overrides` replace values that only exist in AWS (the CloudFront origin, say).
 */
export function functionEnvironment(
  template: CfnTemplate,
  logicalId: string,
  overrides: Record<string, string>,
  refValue: (logicalId: string, resource: CfnResource) => string = (id) => id,
): Record<string, string> {
  const variables = (template.Resources[logicalId]?.Properties?.Environment as { Variables?: Record<string, CfnValue> })
    ?.Variables ?? {};
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (name in overrides) resolved[name] = overrides[name]!;
    else resolved[name] = resolveLocal(template, value, `${logicalId}.${name}`, refValue);
  }
  return resolved;
}

function resolveLocal(
  template: CfnTemplate,
  value: CfnValue,
  where: string,
  refValue: (logicalId: string, resource: CfnResource) => string,
): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && !Array.isArray(value) && typeof value === 'object' && typeof value.Ref === 'string') {
    const resource = template.Resources[value.Ref];
    if (!resource) throw new Error(`${where}: Ref to unknown resource ${value.Ref}`);
    return refValue(value.Ref, resource);
  }
  throw new Error(`${where}: cannot resolve ${JSON.stringify(value)} locally; give it an override`);
}

export const LOCAL_CDK_OUT = (dataDir: string) => path.join(dataDir, 'cdk.out');
