// Banks' webhook signing secrets (Standard Webhooks `whsec_…`), one Secrets Manager secret per bank
// named `<BANK_SECRET_PREFIX><bankId>`. Cached briefly per execution environment so rotation takes
// effect within minutes.
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ENV, requiredEnv } from './config';

const TTL_MS = 5 * 60 * 1000;

export class BankSecrets {
  private readonly cache = new Map<string, { secret: string; until: number }>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  secretName(bankId: string): string {
    return `${this.prefix}${bankId}`;
  }

  async get(bankId: string): Promise<string | undefined> {
    const cached = this.cache.get(bankId);
    if (cached && cached.until > this.now()) return cached.secret;
    try {
      const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretName(bankId) }));
      if (!SecretString) return undefined;
      this.cache.set(bankId, { secret: SecretString, until: this.now() + TTL_MS });
      return SecretString;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }
}

let client: SecretsManagerClient | undefined;
export function secretsManagerClient(): SecretsManagerClient {
  client ??= new SecretsManagerClient({ maxAttempts: 3 });
  return client;
}

/** The banks' secrets under this function's BANK_SECRET_PREFIX. */
export function bankSecrets(): BankSecrets {
  return new BankSecrets(secretsManagerClient(), requiredEnv(ENV.bankSecretPrefix));
}
