/**
 * A county task force's contact: where an enterprise's owner turns when a person is needed (a need
 * not recommended, unmatched, declined, or a question). Data per county, loaded by an operator
 * (`npm run task-force -- load --file contacts.json`), kept beside the bank registry; shown on the
 * status page and returned by GET /v1/needs/{needId} as `taskForce`.
 *
 * Rules:
 * - `countyCode`: a county-level unit (GB/T 2260; aliases stored canonical, as for needs).
 * - `office` and `address`: the office's name and its street address, in Chinese and English
 *   (1–100 and 1–200 characters, one line of plain text each, trimmed).
 * - `phone`: the office's public number, 5–30 digits with `+ - ( )` and spaces (`0571-87000000`).
 *   An office's line, never a person's own mobile.
 * - `hours` (optional): opening hours as text in both languages (1–100 characters).
 * - The schema is strict: unknown fields are refused.
 *
 * Pure module: no I/O, no environment.
 */
import * as z from 'zod';
import { normalizeCountyCode } from './divisions';
import { fieldErrorsWithMessages } from './bank';
import type { FieldError, LocalizedText } from './problem';
import { plainText } from './text';

export const TASK_FORCE_MESSAGES = {
  'task_force.county': {
    zh: '区县代码无效（应为 6 位县级行政区划代码，如 330106）',
    en: 'Unknown county code (a 6-digit county-level division code such as 330106)',
  },
  'task_force.text': { zh: '应为 1 行文字（办公室名称最多 100 字，地址最多 200 字）', en: 'One line of text (an office name up to 100 characters, an address up to 200)' },
  'task_force.phone': {
    zh: '电话应为 5–30 位数字，可含 + - ( ) 和空格，如 0571-87000000',
    en: 'A phone number has 5–30 digits and may contain + - ( ) and spaces, e.g. 0571-87000000',
  },
  'task_force.duplicate': { zh: '同一区县出现了两次', en: 'The same county appears twice' },
  'task_force.file': {
    zh: '文件应为联系方式数组，或 {"contacts": [...]}，或单个联系方式',
    en: 'The file holds an array of contacts, {"contacts": [...]}, or one contact',
  },
} as const satisfies Record<string, LocalizedText>;

type TaskForceMessageCode = keyof typeof TASK_FORCE_MESSAGES;
const err = (code: TaskForceMessageCode) => ({ error: code });

const line = (max: number) =>
  z
    .string(err('task_force.text'))
    .superRefine(plainText('single'))
    .transform((value) => value.trim().replace(/\s+/g, ' '))
    .pipe(z.string().min(1, err('task_force.text')).max(max, err('task_force.text')));

const bilingual = (max: number, example: LocalizedText) => z.strictObject({ zh: line(max), en: line(max) }).meta({ example });

export const taskForceContactSchema = z
  .strictObject({
    countyCode: z
      .string(err('task_force.county'))
      .transform((raw, ctx) => {
        const code = normalizeCountyCode(raw);
        if (code) return code;
        ctx.addIssue({ code: 'custom', message: 'task_force.county', input: raw });
        return z.NEVER;
      })
      .meta({ description: 'County-level division code (GB/T 2260)', example: '330106' }),
    office: bilingual(100, { zh: '西湖区小微企业融资协调工作专班', en: 'Xihu District SME Financing Task Force' }),
    phone: z
      .string(err('task_force.phone'))
      .regex(/^(?=(?:\D*\d){5,30}\D*$)[0-9+\-\s()]+$/, err('task_force.phone'))
      .transform((value) => value.trim())
      .meta({ description: "The office's public number", example: '0571-87000000' }),
    address: bilingual(200, { zh: '杭州市西湖区文三路 100 号', en: '100 Wensan Road, Xihu District, Hangzhou' }),
    hours: bilingual(100, { zh: '工作日 9:00–17:00', en: 'Working days 9:00–17:00' }).optional(),
  })
  .meta({ title: 'TaskForceContact', description: "The county task force's contact: where the owner turns when a person is needed" });

/** A county task force's contact as the platform keeps and shows it (normalised). */
export type TaskForceContact = z.output<typeof taskForceContactSchema>;
export type TaskForceContactInput = z.input<typeof taskForceContactSchema>;

export type ParseTaskForceResult = { ok: true; contacts: TaskForceContact[] } | { ok: false; errors: FieldError[] };

/**
 * The contacts of a file: an array of contacts, `{"contacts": [...]}` (other members, such as a
 * `description`, ignored) or a single contact. Every contact valid and every county once, else the
 * field errors, pointers into the file as given.
 */
export function parseTaskForceContacts(raw: unknown): ParseTaskForceResult {
  const wrapped = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'contacts' in raw;
  const list: unknown = wrapped ? (raw as { contacts: unknown }).contacts : Array.isArray(raw) ? raw : [raw];
  const prefix = wrapped ? '/contacts' : Array.isArray(raw) ? '' : undefined;
  if (!Array.isArray(list) || list.length === 0) {
    return { ok: false, errors: [{ pointer: wrapped ? '/contacts' : '', code: 'task_force.file', message: TASK_FORCE_MESSAGES['task_force.file'] }] };
  }
  const errors: FieldError[] = [];
  const contacts: TaskForceContact[] = [];
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    const at = prefix === undefined ? '' : `${prefix}/${index}`;
    const parsed = taskForceContactSchema.safeParse(entry);
    if (!parsed.success) {
      for (const error of fieldErrorsWithMessages(parsed.error.issues, entry, TASK_FORCE_MESSAGES)) errors.push({ ...error, pointer: `${at}${error.pointer}` });
      return;
    }
    if (seen.has(parsed.data.countyCode)) {
      errors.push({ pointer: `${at}/countyCode`, code: 'task_force.duplicate', message: TASK_FORCE_MESSAGES['task_force.duplicate'] });
      return;
    }
    seen.add(parsed.data.countyCode);
    contacts.push(parsed.data);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, contacts };
}
