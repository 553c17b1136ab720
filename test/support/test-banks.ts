// Banks under a test's control: registered in the running system (registry + signing secret), with a
// webhook receiver that collects offers, and a signed sender for their events.
import * as http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { parseBank, type Bank, type BankInput } from '../../shared/domain/bank';
import { RoutingStore } from '../../shared/adapters/routing-store';
import { newSigningSecret, verifyWebhook } from '../../shared/adapters/webhooks';

/** A product that fits the tests' usual need (500,000 yuan, 12 months, credit): for test banks. */
export const SME_LOAN_PRODUCT = {
  productId: 'sme-loan',
  nameZh: '小微企业贷',
  nameEn: 'SME loan',
  guarantees: ['credit', 'collateral'],
  minAmountYuan: 10_000,
  maxAmountYuan: 5_000_000,
  minTermMonths: 1,
  maxTermMonths: 60,
} satisfies BankInput['products'][number];

export interface ReceivedOffer {
  bankId: string;
  headers: Record<string, string>;
  raw: string;
  body: { type: string; data: { referralId: string; deadline: string; need: Record<string, unknown> } };
  signatureValid: boolean;
}

export class TestBanks {
  private server?: http.Server;
  private url = '';
  private readonly secrets = new Map<string, string>();
  readonly offers: ReceivedOffer[] = [];
  private waiters: { bankId: string; resolve: (offer: ReceivedOffer) => void }[] = [];
  /** Deliveries to answer with 503 before accepting, per bank (tests of the sender's retries). */
  private readonly failures = new Map<string, number>();
  readonly deliveries: { bankId: string; webhookId: string; status: number }[] = [];

  constructor(
    private readonly apiUrl: string,
    private readonly store: RoutingStore,
    private readonly secretsClient: SecretsManagerClient,
    private readonly secretPrefix: string,
  ) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const bankId = (req.url ?? '').split('/')[2] ?? '';
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const failuresLeft = this.failures.get(bankId) ?? 0;
        if (failuresLeft > 0) {
          this.failures.set(bankId, failuresLeft - 1);
          this.deliveries.push({ bankId, webhookId: headers['webhook-id'] ?? '', status: 503 });
          res.writeHead(503).end();
          return;
        }
        this.deliveries.push({ bankId, webhookId: headers['webhook-id'] ?? '', status: 200 });
        const secret = this.secrets.get(bankId) ?? '';
        const offer: ReceivedOffer = {
          bankId,
          headers,
          raw,
          body: JSON.parse(raw) as ReceivedOffer['body'],
          signatureValid: verifyWebhook(secret, raw, headers).ok,
        };
        this.offers.push(offer);
        res.writeHead(200).end();
        const waiter = this.waiters.find((w) => w.bankId === bankId);
        if (waiter) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(offer);
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  failNext(bankId: string, count: number): void {
    this.failures.set(bankId, count);
  }

  /** Registers a bank (webhook pointing at this receiver) and its signing secret. */
  async add(input: Omit<BankInput, 'webhookUrl'>): Promise<Bank> {
    const parsed = parseBank({ ...input, webhookUrl: `${this.url}/banks/${input.bankId}/webhook` });
    if (!parsed.ok) throw new Error(`invalid test bank: ${JSON.stringify(parsed.errors)}`);
    const secret = newSigningSecret((n) => randomBytes(n));
    await this.secretsClient.send(new CreateSecretCommand({ Name: `${this.secretPrefix}${input.bankId}`, SecretString: secret }));
    this.secrets.set(input.bankId, secret);
    await this.store.putBank(parsed.bank, new Date());
    return parsed.bank;
  }

  /** The next offer this bank receives (or one it already received and nobody took). */
  nextOffer(bankId: string, timeoutMs = 20_000): Promise<ReceivedOffer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no offer for ${bankId} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        bankId,
        resolve: (offer) => {
          clearTimeout(timer);
          resolve(offer);
        },
      });
    });
  }

  /** Sends a signed event as the bank; `options` forge what a bad sender would. */
  async send(
    bankId: string,
    type: string,
    data: Record<string, unknown>,
    options: { secret?: string; timestamp?: Date; webhookId?: string; asBank?: string; body?: string } = {},
  ): Promise<{ status: number; body: any; webhookId: string; headers: Headers }> {
    const webhookId = options.webhookId ?? `msg_${randomUUID()}`;
    const timestamp = options.timestamp ?? new Date();
    const body = options.body ?? JSON.stringify({ type, timestamp: new Date().toISOString(), data });
    const secret = options.secret ?? this.secrets.get(bankId) ?? newSigningSecret((n) => randomBytes(n));
    const response = await fetch(`${this.apiUrl}/v1/banks/${options.asBank ?? bankId}/events`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'webhook-id': webhookId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign(webhookId, timestamp, body),
      },
      body,
    });
    return { status: response.status, body: await response.json(), webhookId, headers: response.headers };
  }
}

/** Client for the running system's DynamoDB tables. */
export function routingStoreFor(client: DynamoDBDocumentClient, tables: { needs: string; counters: string }): RoutingStore {
  return new RoutingStore(client, tables);
}
