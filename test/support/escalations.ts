// The escalation tests' local system: the real runtime (gateway with the template's authorizer, the
// handlers, DynamoDB Local, the local Step Functions running the synthesized state machine, the
// pipe) and banks under the test's control (test-banks.ts), with helpers to submit needs, act on the
// county's escalations with an official's token, and wait for executions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import type { BankInput } from '../../shared/domain/bank';
import type { InboxItem } from '../../shared/domain/escalation';
import { chinaDay, type NeedStatusResponse } from '../../shared/domain/need-record';
import { escalationKey } from '../../shared/adapters/escalation-store';
import { needKey } from '../../shared/adapters/need-repository';
import { RoutingStore } from '../../shared/adapters/routing-store';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { validSubmission } from './needs';
import { SME_LOAN_PRODUCT, TestBanks } from './test-banks';

export interface EscalationSystem {
  runtime: LocalRuntime;
  banks: TestBanks;
  db: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

export async function startEscalationSystem(prefix: string): Promise<EscalationSystem> {
  const dataDir = mkdtempSync(path.join(tmpdir(), prefix));
  const runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', daySeconds: 5, retryIntervalMs: 10, schedules: false });
  const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const db = DynamoDBDocumentClient.from(runtime.dynamodbClient);
  const secrets = new SecretsManagerClient({ ...clientConfig, endpoint: runtime.awsEndpoint });
  const banks = new TestBanks(runtime.url, new RoutingStore(db, runtime.tableNames), secrets, runtime.bankSecretPrefix);
  await banks.start();
  return {
    runtime,
    banks,
    db,
    async stop() {
      await banks.stop();
      await runtime.stop();
      secrets.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let bankCounter = 0;
/** A bank serving `division`; `acknowledgeWorkingDays` long enough that a test's silence is no missed deadline. */
export function testBank(division: string, extra: Partial<BankInput> = {}): Omit<BankInput, 'webhookUrl'> {
  bankCounter++;
  return {
    bankId: `esc-bank-${bankCounter}-${Date.now().toString(36)}`,
    nameZh: `专班测试银行${bankCounter}`,
    nameEn: `Escalation Test Bank ${bankCounter}`,
    divisions: [division],
    products: [SME_LOAN_PRODUCT],
    capacity: 10,
    deadlines: { acknowledgeWorkingDays: 30, decideCalendarDays: 60 },
    ...extra,
  };
}

export async function submitNeed(system: EscalationSystem, countyCode: string) {
  const submission = validSubmission();
  submission.enterprise.countyCode = countyCode;
  const response = await fetch(`${system.runtime.url}/v1/needs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(submission) });
  expect(response.status).toBe(201);
  return (await response.json()) as { needId: string; trackingToken: string };
}

export async function needStatus(system: EscalationSystem, need: { needId: string; trackingToken: string }) {
  const response = await fetch(`${system.runtime.url}/v1/needs/${need.needId}`, { headers: { Authorization: `Bearer ${need.trackingToken}` } });
  return (await response.json()) as NeedStatusResponse;
}

/** Polls until `read` gives a value (no sleep standing in for the condition). */
export async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const escalationItem = async (system: EscalationSystem, countyCode: string, needId: string) =>
  (await system.db.send(new GetCommand({ TableName: system.runtime.tableNames.needs, Key: escalationKey(countyCode, needId), ConsistentRead: true }))).Item;

export const needItem = async (system: EscalationSystem, needId: string) =>
  (await system.db.send(new GetCommand({ TableName: system.runtime.tableNames.needs, Key: needKey(needId), ConsistentRead: true }))).Item;

/** The need's escalation once it is in the state (and kind) given. */
export const escalationIn = (system: EscalationSystem, countyCode: string, needId: string, state: 'open' | 'resolved', kind?: string) =>
  until(async () => {
    const item = await escalationItem(system, countyCode, needId);
    return item && item.state === state && (kind === undefined || item.kind === kind) ? item : undefined;
  }, `escalation of ${needId} ${state} ${kind ?? ''}`);

export async function inbox(system: EscalationSystem, countyCode: string, token: string, query = '') {
  const response = await fetch(`${system.runtime.url}/v1/counties/${countyCode}/escalations${query}`, { headers: { Authorization: `Bearer ${token}`, 'Accept-Language': 'en' } });
  return { status: response.status, body: (await response.json()) as { escalations: InboxItem[]; nextCursor?: string; errors?: { pointer: string; code: string; message: { zh: string; en: string } }[] } };
}

export async function actOn(system: EscalationSystem, countyCode: string, needId: string, token: string | undefined, body: unknown, language = 'zh-CN') {
  const response = await fetch(`${system.runtime.url}/v1/counties/${countyCode}/escalations/${needId}/actions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Accept-Language': language, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** The audit records of the county's partition. */
export async function countyAudit(system: EscalationSystem, countyCode: string) {
  const table = system.runtime.tables.find((t) => t.startsWith('DataAudit'))!;
  const { Items } = await system.db.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `COUNTY#${countyCode}` }, ConsistentRead: true }));
  return (Items ?? []).filter((item) => item.kind === 'escalation-action');
}

export async function todaysCounters(system: EscalationSystem, countyCode: string) {
  const { Item } = await system.db.send(new GetCommand({ TableName: system.runtime.tableNames.counters, Key: { day: chinaDay(new Date()), countyCode }, ConsistentRead: true }));
  return Item ?? {};
}

/** Waits until every execution of the local Step Functions has finished (nothing left routing in the background). */
export async function noExecutionRunning(system: EscalationSystem) {
  await until(async () => (system.runtime.stepFunctions.executions().every((e) => e.status !== 'RUNNING') ? true : undefined), 'every execution to finish', 60_000);
}

/** The execution of this name, once it has finished. */
export async function finished(system: EscalationSystem, name: string) {
  const execution = await until(async () => system.runtime.stepFunctions.executions().find((e) => e.name === name), `execution ${name}`);
  await Promise.race([execution.finished, new Promise((_, reject) => setTimeout(() => reject(new Error(`execution ${name} did not finish`)), 60_000))]);
  return system.runtime.stepFunctions.executions().find((e) => e.name === name)!;
}

export async function withdraw(system: EscalationSystem, need: { needId: string; trackingToken: string }) {
  const response = await fetch(`${system.runtime.url}/v1/needs/${need.needId}/withdrawal`, { method: 'POST', headers: { Authorization: `Bearer ${need.trackingToken}` } });
  expect(response.status).toBe(200);
}
