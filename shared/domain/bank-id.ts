// The bank registry's key (shared/domain/bank.ts), on its own so that the need schema can check the
// bank ids of a consent without loading the registry's rules (bank.ts imports need.ts).

/** Lower-case slug, 2–63 characters, starting with a letter or digit: `huimin-bank`. */
export const BANK_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;
