import { describe, expect, it } from 'vitest';
import { IdempotencyKeys, randomKey } from '../../web/src/idempotency';

describe('IdempotencyKeys', () => {
  it('reuses the key while the body stays the same and changes it with the body', () => {
    let n = 0;
    const keys = new IdempotencyKeys(() => `k${++n}`);
    expect(keys.keyFor('{"a":1}')).toBe('k1');
    expect(keys.keyFor('{"a":1}')).toBe('k1'); // a retry after a lost response
    expect(keys.keyFor('{"a":2}')).toBe('k2'); // the person changed the form
    expect(keys.keyFor('{"a":1}')).toBe('k3'); // and changed it back: still a new submission
    keys.reset();
    expect(keys.keyFor('{"a":1}')).toBe('k4');
  });

  it('makes random UUIDs the server accepts', () => {
    const a = randomKey();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(randomKey()).not.toBe(a);
  });
});
