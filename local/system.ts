// The local system as `npm start` runs it: the runtime (local/runtime.ts) plus the simulated banks from
// the seed file, registered in the bank registry with their signing secrets, the demo counties'
// task-force contacts (local/task-force.seed.json), and the runtime-info file through which the CLIs
// find the running system.
import { randomBytes } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../shared/domain/environment';
import { RoutingStore } from '../shared/adapters/routing-store';
import { TaskForceStore } from '../shared/adapters/task-force-store';
import { newSigningSecret } from '../shared/adapters/webhooks';
import { AwsServiceError } from './aws-emulator';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from './runtime';
import { removeRuntimeInfo, runtimeInfoOf, writeRuntimeInfo } from './runtime-info';
import { loadBankSeed, seedBanks, startSimulatedBanks, type SimulatedBanks } from './simulated-banks';
import { loadTaskForceSeed } from './task-force-seed';
import { seedReviewSettings } from './review-seed';
import { ReviewSettingsStore } from '../shared/adapters/review-settings-store';

export interface LocalSystemOptions extends LocalRuntimeOptions {
  /** Register and run the simulated banks of local/banks.seed.json (default true). */
  simulateBanks?: boolean;
  log?: (line: string) => void;
}

export interface LocalSystem {
  runtime: LocalRuntime;
  banks?: SimulatedBanks;
  stop(): Promise<void>;
}

async function secretOf(runtime: LocalRuntime, bankId: string): Promise<string | undefined> {
  try {
    const answer = (await runtime.secrets.handle('GetSecretValue', { SecretId: `${runtime.bankSecretPrefix}${bankId}` })) as {
      SecretString?: string;
    };
    return answer.SecretString;
  } catch (error) {
    if (error instanceof AwsServiceError && error.type === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  // Lost workflows resume once the simulated banks listen (below), not before.
  const runtime = await startLocalRuntime({ ...options, resumeLostWorkflows: false });
  let banks: SimulatedBanks | undefined;
  try {
    if (options.simulateBanks ?? true) {
      const seed = loadBankSeed();
      banks = await startSimulatedBanks({
        seed,
        apiUrl: runtime.url,
        secretFor: async (bankId) => (await secretOf(runtime, bankId)) ?? '',
        ...(options.log ? { log: options.log } : {}),
      });
      const store = new RoutingStore(DynamoDBDocumentClient.from(runtime.dynamodbClient), runtime.tableNames);
      for (const bank of seedBanks(seed, banks.port)) {
        await store.putBank(bank, new Date());
        if (!(await secretOf(runtime, bank.bankId))) {
          await runtime.secrets.handle('CreateSecret', {
            Name: `${runtime.bankSecretPrefix}${bank.bankId}`,
            SecretString: newSigningSecret((n) => randomBytes(n)),
          });
        }
      }
    }
    // The demo counties' task-force contacts, as `npm run task-force -- load` writes them.
    const taskForces = new TaskForceStore(DynamoDBDocumentClient.from(runtime.dynamodbClient), runtime.tableNames.needs);
    for (const contact of loadTaskForceSeed()) await taskForces.put(contact, new Date());
    // The demo counties' review settings (330108 reviews by hand), as `npm run task-force -- review` writes them.
    const reviewSettings = new ReviewSettingsStore(DynamoDBDocumentClient.from(runtime.dynamodbClient), runtime.tableNames.needs);
    await seedReviewSettings((county, mode, now) => reviewSettings.put(county, mode, now));
    writeRuntimeInfo(
      options.dataDir,
      runtimeInfoOf(runtime, { rollupStateMachineArn: runtime.rollupStateMachineArn, timeScale: Number(process.env[ENV.timeScale] ?? 1) }),
    );
    if (options.resumeLostWorkflows ?? true) {
      await runtime.resumeLostWorkflows().catch((error: unknown) => console.error('resuming lost workflows failed', error));
    }
  } catch (error) {
    await banks?.stop();
    await runtime.stop();
    throw error;
  }
  return {
    runtime,
    ...(banks ? { banks } : {}),
    stop: async () => {
      removeRuntimeInfo(options.dataDir);
      await banks?.stop();
      await runtime.stop();
    },
  };
}
