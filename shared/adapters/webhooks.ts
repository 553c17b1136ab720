// Signed webhooks per the Standard Webhooks spec (npm `standardwebhooks`): outbound offers to banks,
// retried with backoff on network errors and 5xx, every attempt reported; inbound events verified
// (signature and a 5-minute timestamp tolerance).
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/**
 * A webhook-id a platform keeps a delivery under: printable ASCII, 1–256 characters (Standard
 * Webhooks ids are short, e.g. `msg_<ulid>`). Longer ids are refused with 400, not stored.
 */
export const WEBHOOK_ID_PATTERN = /^[\x21-\x7e]{1,256}$/;

export interface DeliveryAttempt {
  webhookId: string;
  at: string;
  status?: number;
  error?: string;
}

export interface DeliveryOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  onAttempt?: (attempt: DeliveryAttempt) => Promise<void>;
}

/** Sends one event; the same webhook-id on every retry, so the bank can de-duplicate. */
export async function deliverWebhook(
  url: string,
  secret: string,
  webhookId: string,
  payload: unknown,
  options: DeliveryOptions = {},
): Promise<{ delivered: boolean; attempts: number; status?: number }> {
  const body = JSON.stringify(payload);
  const webhook = new Webhook(secret);
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelay = options.baseDelayMs ?? 1000;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const timestamp = new Date();
    const record: DeliveryAttempt = { webhookId, at: timestamp.toISOString() };
    let retry = false;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'webhook-id': webhookId,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': webhook.sign(webhookId, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      record.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      retry = response.status >= 500 || response.status === 429;
      await options.onAttempt?.(record);
      if (!retry) return { delivered: response.ok, attempts: attempt, status: response.status };
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      await options.onAttempt?.(record);
    }
    if (attempt < maxAttempts) {
      // Exponential backoff with full jitter.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * baseDelay * 2 ** (attempt - 1)));
    }
  }
  return { delivered: false, attempts: maxAttempts };
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export function verifyWebhook(secret: string, body: string, headers: Record<string, string | undefined>): VerifyResult {
  const required = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;
  const present: Record<string, string> = {};
  for (const name of required) {
    const value = headers[name];
    if (!value) return { ok: false, reason: `missing ${name}` };
    present[name] = value;
  }
  try {
    new Webhook(secret).verify(body, present, { jsonParse: false });
    return { ok: true };
  } catch (error) {
    if (error instanceof WebhookVerificationError) return { ok: false, reason: error.message };
    return { ok: false, reason: 'invalid secret or signature' };
  }
}

/** A new signing secret in the Standard Webhooks format: `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(randomBytes: (n: number) => Uint8Array): string {
  return `whsec_${Buffer.from(randomBytes(32)).toString('base64')}`;
}
