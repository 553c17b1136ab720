// Idempotency keys for the form: one key per submission, sent again on every retry of the very
// same body (a lost response must not create a second need), and a fresh key once the body changes
// (the server rejects a reused key with a different body).

export function randomKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Older browsers, or a page not served from a secure context: a version 4 UUID by hand.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class IdempotencyKeys {
  private last: { body: string; key: string } | undefined;

  constructor(private readonly newKey: () => string = randomKey) {}

  /** The key for a request body: the previous key when the body is unchanged, else a new one. */
  keyFor(body: string): string {
    if (this.last?.body !== body) this.last = { body, key: this.newKey() };
    return this.last.key;
  }

  /** Forget the key (after the submission succeeded). */
  reset(): void {
    this.last = undefined;
  }
}
