// Personal data of a need is kept while the need is open and for a retention time after it closes,
// then erased: each personal field is replaced by a marker and `personalDataErasedAt` is recorded.
// Everything else stays (status, timeline, county, amounts, screening, consent record), so the task
// force's lists, the status page, the reports and the recompute of the counters work as before.
// Pure: the clock, the settings and the store come in.
import type { AuditRecord } from './audit';
import type { EntityType } from './need';
import { OPEN_STATUSES, type NeedRecord, type NeedStatus } from './need-record';

/** Default retention after a need closes (a stage setting: lib/smefin-stack.ts). */
export const DEFAULT_RETENTION_DAYS = 180;

/** What an erased field reads (both languages: the status page and the lists show it as it is). */
export const ERASED_MARKER = '[已删除 erased]';

const DAY_MS = 86_400_000;

/**
 * Entities run by a natural person: the name of an individual business (个体工商户) or family farm
 * (家庭农场) is often its operator's, and its credit code leads to the operator in the public
 * registry, so both are personal data there. Companies' and cooperatives' names and codes are not.
 */
export const NATURAL_PERSON_ENTITIES: ReadonlySet<EntityType> = new Set(['individual_business', 'family_farm']);

/** Dotted paths of the need fields that can hold personal data. */
export type PersonalField = 'contact.name' | 'contact.mobile' | 'need.description' | 'enterprise.name' | 'enterprise.creditCode';

/** A need is closed in every status that does not block a new submission (not recommended, granted, disbursed, unmatched, …). */
export function isClosed(status: NeedStatus): boolean {
  return !OPEN_STATUSES.has(status);
}

/** The fields of a need the rule reads. */
export type ErasableNeed = Pick<NeedRecord, 'needId' | 'status' | 'updatedAt'> & {
  enterprise: Pick<NeedRecord['enterprise'], 'entityType'>;
  need: { description?: string | undefined };
  personalDataErasedAt?: string;
};

/** The personal fields this need holds: the contact always, the free text if given, name and code of a natural person's business. */
export function personalFields(need: ErasableNeed): PersonalField[] {
  const fields: PersonalField[] = ['contact.name', 'contact.mobile'];
  if (typeof need.need.description === 'string' && need.need.description !== '') fields.push('need.description');
  if (NATURAL_PERSON_ENTITIES.has(need.enterprise.entityType)) fields.push('enterprise.name', 'enterprise.creditCode');
  return fields;
}

/** Needs whose last change is before this instant are past the retention time. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new Error(`retention must be a whole number of days ≥ 1: ${retentionDays}`);
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

export type ErasureDecision =
  | { erase: true; fields: PersonalField[] }
  | { erase: false; reason: 'erased' | 'open' | 'within_retention' | 'no_timestamp' };

/**
 * Whether to erase now. The retention runs from the need's last change (`updatedAt`) while closed:
 * the moment it closed, or anything recorded later (a disbursement after the grant), never earlier.
 * A need that reopens is open again and keeps its data.
 */
export function erasureDecision(need: ErasableNeed, now: Date, retentionDays: number): ErasureDecision {
  if (need.personalDataErasedAt !== undefined) return { erase: false, reason: 'erased' };
  if (!isClosed(need.status)) return { erase: false, reason: 'open' };
  const changed = Date.parse(need.updatedAt);
  if (Number.isNaN(changed)) return { erase: false, reason: 'no_timestamp' };
  if (changed >= retentionCutoff(now, retentionDays).getTime()) return { erase: false, reason: 'within_retention' };
  return { erase: true, fields: personalFields(need) };
}

/** The need as the erasure leaves it (what the store writes, as a value). */
export function erasedNeed<T extends NeedRecord>(need: T, fields: readonly PersonalField[], at: Date): T & { personalDataErasedAt: string } {
  const copy = structuredClone(need) as T & { personalDataErasedAt: string };
  for (const field of fields) {
    const [group, name] = field.split('.') as [keyof NeedRecord, string];
    (copy[group] as Record<string, unknown>)[name] = ERASED_MARKER;
  }
  copy.personalDataErasedAt = at.toISOString();
  return copy;
}

/** Where needs with personal data are found and erased (shared/adapters/personal-data-store.ts). */
export interface PersonalDataStore {
  /** Ids of closed needs still holding personal data whose last change is before `before`, page by page. */
  candidates(before: Date): AsyncIterable<string[]>;
  get(needId: string): Promise<ErasableNeed | undefined>;
  /**
   * Replaces the fields by the marker, records `personalDataErasedAt` and appends the audit record,
   * in one write, provided the need has not changed since it was read; 'changed' otherwise.
   */
  erase(need: ErasableNeed, fields: readonly PersonalField[], at: Date, audit: AuditRecord): Promise<'erased' | 'changed'>;
}

export interface ErasureRun {
  cutoff: string;
  examined: number;
  erased: number;
  /** Candidates left as they are, by reason ('changed': it moved while being erased; next run). */
  kept: Record<'erased' | 'open' | 'within_retention' | 'no_timestamp' | 'changed' | 'missing', number>;
  /** False when the run stopped for time; the next run carries on (the needs are still candidates). */
  complete: boolean;
}

/** Erases every need past the retention time, a few at a time, while `keepGoing` allows. */
export async function erasePersonalData(
  store: PersonalDataStore,
  settings: { now: Date; retentionDays: number; keepGoing?: () => boolean; concurrency?: number },
): Promise<ErasureRun> {
  const { now, retentionDays } = settings;
  const cutoff = retentionCutoff(now, retentionDays);
  const run: ErasureRun = {
    cutoff: cutoff.toISOString(),
    examined: 0,
    erased: 0,
    kept: { erased: 0, open: 0, within_retention: 0, no_timestamp: 0, changed: 0, missing: 0 },
    complete: true,
  };
  const one = async (needId: string) => {
    run.examined++;
    const need = await store.get(needId);
    if (!need) return void run.kept.missing++;
    const decision = erasureDecision(need, now, retentionDays);
    if (!decision.erase) return void run.kept[decision.reason]++;
    const audit: AuditRecord = { kind: 'personal-data-erased', at: now.toISOString(), needId, erased: decision.fields, retentionDays };
    if ((await store.erase(need, decision.fields, now, audit)) === 'erased') run.erased++;
    else run.kept.changed++;
  };
  const concurrency = settings.concurrency ?? 8;
  for await (const page of store.candidates(cutoff)) {
    for (let i = 0; i < page.length; i += concurrency) {
      if (settings.keepGoing && !settings.keepGoing()) {
        run.complete = false;
        return run;
      }
      await Promise.all(page.slice(i, i + concurrency).map(one));
    }
  }
  return run;
}
