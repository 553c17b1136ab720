// The workspace's negative list, pure parts (shared/domain/negative-list.ts): the addition's schema
// (the credit code as on the form, the reason codes, the county as jurisdiction, validFrom today by
// default), the expiry rule (now, a day, withdrawal, refusals), an entry's status on a day, the
// file's encoding (UTF-8 ± BOM, GB18030, neither), and a county's import plan (each row with its
// line, another county's rows, formulas as text, a repeated key, the row limit).
import { describe, expect, it } from 'vitest';
import {
  decideExpiry,
  decodeCsvBytes,
  importSummary,
  NEGATIVE_LIST_IMPORT_MAX_ROWS,
  negativeListStatus,
  parseNegativeListAddition,
  planNegativeListImport,
  readNegativeListCsv,
  sameRecording,
  type NegativeListEntry,
} from '../../shared/domain/negative-list';
import { encodeGb18030 } from '../support/gb18030';
import { freshCreditCode } from '../support/needs';

const COUNTY = '330106';
const TODAY = '2026-12-01';
const HEADER = 'creditCode,jurisdiction,reasonCode,source,validFrom,validTo';
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('parseNegativeListAddition', () => {
  it('takes the county as jurisdiction, today as validFrom, normalises the credit code, keeps the note', () => {
    const code = freshCreditCode();
    const parsed = parseNegativeListAddition({ creditCode: ` ${code.toLowerCase()} `, reasonCode: 'abnormal_operation', source: '  区  市场监管局 ', note: ' 走访发现 ' }, COUNTY, TODAY);
    expect(parsed).toEqual({ ok: true, addition: { entry: { creditCode: code, jurisdiction: COUNTY, reasonCode: 'abnormal_operation', source: '区 市场监管局', validFrom: TODAY }, note: '走访发现' } });
  });

  it('names every bad field with its zh/en message; a jurisdiction in the body is an unknown field', () => {
    const parsed = parseNegativeListAddition({ creditCode: '91330106MA2XXXXX1', reasonCode: 'gambling', source: '', validFrom: '2026-02-30', note: 'x'.repeat(501), jurisdiction: '330000' }, COUNTY, TODAY);
    expect(parsed.ok).toBe(false);
    const errors = parsed.ok ? [] : parsed.errors;
    expect(Object.fromEntries(errors.map((e) => [e.pointer, e.code]))).toEqual({
      '/creditCode': 'negative_list.credit_code_length',
      '/reasonCode': 'negative_list.reason_code',
      '/source': 'negative_list.source',
      '/validFrom': 'negative_list.day',
      '/note': 'negative_list.note',
      '/jurisdiction': 'unknown_field',
    });
    for (const error of errors) {
      expect(error.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(error.message.en).toMatch(/[a-z]/);
    }
  });

  it('refuses a check character that does not fit, and validTo before validFrom (also the default validFrom)', () => {
    const code = freshCreditCode();
    const wrong = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    expect(parseNegativeListAddition({ creditCode: wrong, reasonCode: 'other', source: 'x' }, COUNTY, TODAY)).toMatchObject({ ok: false, errors: [{ pointer: '/creditCode', code: 'negative_list.credit_code' }] });
    expect(parseNegativeListAddition({ creditCode: code, reasonCode: 'other', source: 'x', validFrom: TODAY, validTo: '2026-11-30' }, COUNTY, TODAY)).toMatchObject({ ok: false, errors: [{ pointer: '/validTo', code: 'negative_list.window' }] });
    expect(parseNegativeListAddition({ creditCode: code, reasonCode: 'other', source: 'x', validTo: '2026-11-30' }, COUNTY, TODAY)).toMatchObject({ ok: false, errors: [{ pointer: '/validTo', code: 'negative_list.window' }] });
  });
});

const entry = (over: Partial<NegativeListEntry> = {}): NegativeListEntry => ({ creditCode: freshCreditCode(), jurisdiction: COUNTY, reasonCode: 'other', source: 's', validFrom: '2026-11-01', ...over });

describe('status and expiry', () => {
  it('status on a day: scheduled, in force (both ends inclusive), expired, withdrawn', () => {
    const e = entry({ validFrom: '2026-12-01', validTo: '2026-12-10' });
    expect(negativeListStatus({ entry: e }, '2026-11-30')).toBe('scheduled');
    expect(negativeListStatus({ entry: e }, '2026-12-01')).toBe('in_force');
    expect(negativeListStatus({ entry: e }, '2026-12-10')).toBe('in_force');
    expect(negativeListStatus({ entry: e }, '2026-12-11')).toBe('expired');
    expect(negativeListStatus({ entry: e, withdrawnAt: '2026-11-30T00:00:00Z' }, '2026-11-30')).toBe('withdrawn');
  });

  it('now: yesterday is the last day; an entry starting today or later is withdrawn', () => {
    const e = entry();
    expect(decideExpiry({ entry: e }, undefined, TODAY)).toEqual({ ok: true, kind: 'expire', entry: { ...e, validTo: '2026-11-30' } });
    expect(decideExpiry({ entry: entry({ validFrom: TODAY }) }, undefined, TODAY)).toEqual({ ok: true, kind: 'withdraw' });
    expect(decideExpiry({ entry: entry({ validFrom: '2026-12-20' }) }, '2026-12-05', TODAY)).toEqual({ ok: true, kind: 'withdraw' });
  });

  it('on a day: from yesterday on, never after the current end; an expired or withdrawn entry is a conflict', () => {
    const e = entry({ validTo: '2026-12-31' });
    expect(decideExpiry({ entry: e }, '2026-12-15', TODAY)).toMatchObject({ ok: true, kind: 'expire', entry: { validTo: '2026-12-15' } });
    expect(decideExpiry({ entry: e }, '2027-01-01', TODAY)).toMatchObject({ ok: false, status: 400, error: { pointer: '/validTo', code: 'negative_list.expiry_later' } });
    expect(decideExpiry({ entry: e }, '2026-11-29', TODAY)).toMatchObject({ ok: false, status: 400, error: { code: 'negative_list.expiry_before_now' } });
    expect(decideExpiry({ entry: entry({ validTo: '2026-11-30' }) }, undefined, TODAY)).toMatchObject({ ok: false, status: 409 });
    expect(decideExpiry({ entry: e, withdrawnAt: '2026-11-30T00:00:00Z' }, undefined, TODAY)).toMatchObject({ ok: false, status: 409 });
  });

  it('the same recording: same fields; no note keeps the note; a withdrawn entry recorded again is a change', () => {
    const e = entry();
    expect(sameRecording({ entry: e, note: 'n' }, { entry: { ...e } })).toBe(true);
    expect(sameRecording({ entry: e, note: 'n' }, { entry: e, note: 'm' })).toBe(false);
    expect(sameRecording({ entry: e }, { entry: { ...e, source: 't' } })).toBe(false);
    expect(sameRecording({ entry: e }, { entry: { ...e, validTo: '2027-01-01' } })).toBe(false);
    expect(sameRecording({ entry: e, withdrawnAt: '2026-11-30T00:00:00Z' }, { entry: e })).toBe(false);
  });
});

describe('decodeCsvBytes', () => {
  const text = `${HEADER}\n${freshCreditCode()},${COUNTY},other,西湖区法院（通报）,2026-11-01,\n`;

  it('reads UTF-8 with and without BOM (the BOM dropped) and GB18030, and says which', () => {
    expect(decodeCsvBytes(utf8(text))).toEqual({ ok: true, text, encoding: 'utf-8' });
    expect(decodeCsvBytes(utf8(`\uFEFF${text}`))).toEqual({ ok: true, text, encoding: 'utf-8' });
    const gb = encodeGb18030(text);
    expect(gb.length).toBeLessThan(utf8(text).length);
    expect(decodeCsvBytes(gb)).toEqual({ ok: true, text, encoding: 'gb18030' });
  });

  it('refuses bytes that are neither, UTF-16 and binary, in zh and en', () => {
    for (const bytes of [new Uint8Array([0x61, 0xff, 0x0a]), new Uint8Array([0x61, 0x81, 0x20]), new Uint8Array([0xff, 0xfe, 0x61, 0x00]), new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00])]) {
      const decoded = decodeCsvBytes(bytes);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.message.en).toMatch(/GB18030/);
    }
  });
});

describe('readNegativeListCsv and planNegativeListImport', () => {
  it('gives each record its line (quoted line breaks, blank lines) with the entry or its problem', () => {
    const [a, b] = [freshCreditCode(), freshCreditCode()];
    const read = readNegativeListCsv(`${HEADER}\r\n${a},${COUNTY},other,"两行\r\n来源",2026-11-01,\r\n\r\n${b},${COUNTY},nope,x,2026-11-01,\r\n`);
    expect(read).toMatchObject({ ok: true, rows: [{ line: 2, ok: true, entry: { creditCode: a, source: '两行 来源' } }, { line: 5, ok: false, message: { en: expect.stringContaining('reasonCode') } }] });
  });

  it('plans the county’s rows: other counties’ rejected, formulas kept as text, a repeated key imported from its last line', () => {
    const [a, b, c] = [freshCreditCode(), freshCreditCode(), freshCreditCode()];
    const file = [
      HEADER,
      `${a},${COUNTY},other,first,2026-11-01,`,
      `${b},330000,other,province,2026-11-01,`,
      `${c},${COUNTY},serious_violation,=1+1,2026-11-01,`,
      `${a},${COUNTY},other,second,2026-11-01,2026-12-31`,
      `${a},${COUNTY},other,another day,2026-11-02,`,
    ].join('\n');
    const plan = planNegativeListImport(encodeGb18030(file), COUNTY);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.rowsTotal).toBe(5);
    expect(plan.work.map((w) => [w.line, w.entry.source])).toEqual([[4, '=1+1'], [5, 'second'], [6, 'another day']]);
    expect(plan.rejected).toEqual([
      { line: 3, status: 'rejected', message: expect.objectContaining({ en: `jurisdiction: must be this county, ${COUNTY} (not 330000)` }) },
      { line: 2, status: 'rejected', message: expect.objectContaining({ en: expect.stringContaining('line 5 is imported') }) },
    ]);
  });

  it('refuses a whole file: wrong encoding, wrong header, no rows, too many rows', () => {
    const code = (plan: ReturnType<typeof planNegativeListImport>) => (plan.ok ? 'ok' : plan.errors.map((e) => e.code).join());
    expect(code(planNegativeListImport(new Uint8Array([0x80, 0x81]), COUNTY))).toBe('file.encoding');
    expect(code(planNegativeListImport(utf8('code,where\n1,2\n'), COUNTY))).toBe('file.header');
    expect(code(planNegativeListImport(utf8(`${HEADER}\n\n`), COUNTY))).toBe('file.empty');
    const row = `${freshCreditCode()},${COUNTY},other,x,2026-11-01,`;
    expect(code(planNegativeListImport(utf8([HEADER, ...Array(NEGATIVE_LIST_IMPORT_MAX_ROWS).fill(row)].join('\n')), COUNTY))).toBe('ok');
    expect(code(planNegativeListImport(utf8([HEADER, ...Array(NEGATIVE_LIST_IMPORT_MAX_ROWS + 1).fill(row)].join('\n')), COUNTY))).toBe('file.rows');
  });

  it('sums the results in line order', () => {
    const summary = importSummary([
      { line: 4, status: 'unchanged', entryId: 'c', creditCode: 'z' },
      { line: 2, status: 'added', entryId: 'a', creditCode: 'x' },
      { line: 3, status: 'rejected', message: { zh: '错', en: 'bad' } },
      { line: 5, status: 'not_processed', message: { zh: '未', en: 'not' } },
    ]);
    expect(summary).toMatchObject({ rowsTotal: 4, rowsAccepted: 2, rowsAdded: 1, rowsUpdated: 0, rowsUnchanged: 1, rowsRejected: 1, rowsNotProcessed: 1 });
    expect(summary.rows.map((r) => r.line)).toEqual([2, 3, 4, 5]);
  });
});
