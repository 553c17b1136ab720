// The codes of a need's choices (entity type, purpose, guarantee). Zod-free: ./need.ts builds the
// schema on them, and pages without the schema list them.
export const ENTITY_TYPES = ['enterprise', 'individual_business', 'farmers_cooperative', 'family_farm'] as const;
export const PURPOSES = ['working_capital', 'equipment', 'expansion', 'technology', 'renewal', 'other'] as const;
export const GUARANTEES = ['credit', 'collateral', 'guarantor', 'pledge', 'any'] as const;

export type EntityType = (typeof ENTITY_TYPES)[number];
export type Purpose = (typeof PURPOSES)[number];
export type Guarantee = (typeof GUARANTEES)[number];
