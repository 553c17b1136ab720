// GSI `byPersonalData` of the needs table (docs/data-model.md): a need is in it while it holds
// personal data — `pdShard` is written with the need and removed by the erasure — sorted by
// `updatedAt`, which every status change sets. So the daily erasure queries only needs changed
// before the retention cutoff that still hold personal data, never the erased ones. 32 shards by
// the need id's last character (random in a ULID), so the index's writes spread.
export const PERSONAL_DATA_INDEX = 'byPersonalData';

const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Every partition of the index. */
export const PERSONAL_DATA_SHARDS: readonly string[] = [...ULID_ALPHABET].map((c) => `PD#${c}`);

/** The index key a need is written with. */
export const personalDataIndexKey = (needId: string) => ({ pdShard: `PD#${needId.slice(-1)}` });
