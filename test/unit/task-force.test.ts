// The county task-force contact: its shape (zh/en field errors), the files the CLI loads, and the
// seed npm start loads for the demo counties.
import { describe, expect, it } from 'vitest';
import { parseTaskForceContacts, taskForceContactSchema, TASK_FORCE_MESSAGES } from '../../shared/domain/task-force';
import { MESSAGES } from '../../shared/domain/validation-messages';
import { loadTaskForceSeed } from '../../local/task-force-seed';
import { loadBankSeed, seedBanks } from '../../local/simulated-banks';
import { servesCounty } from '../../shared/domain/bank';
import { needSubmissionSchema } from '../../shared/domain/need';
import { createNeedRecord, needStatusView } from '../../shared/domain/need-record';
import { validSubmission } from '../support/needs';

const CONTACT = {
  countyCode: '330106',
  office: { zh: '西湖区小微企业融资协调工作专班', en: 'Xihu District SME Financing Task Force' },
  phone: '0571-0000 0106',
  address: { zh: '杭州市西湖区示例路 1 号', en: '1 Example Road, Xihu District, Hangzhou' },
};

const errorsOf = (raw: unknown) => {
  const parsed = parseTaskForceContacts(raw);
  return parsed.ok ? [] : parsed.errors.map((e) => [e.pointer, e.code]);
};

describe('the task-force contact', () => {
  it('takes office, phone and address in both languages, hours optional, trimmed', () => {
    expect(taskForceContactSchema.parse({ ...CONTACT, office: { zh: '  西湖区  专班 ', en: 'Xihu ' } }).office).toEqual({ zh: '西湖区 专班', en: 'Xihu' });
    expect(taskForceContactSchema.parse({ ...CONTACT, hours: { zh: '工作日 9:00–17:00', en: 'Working days 9:00–17:00' } }).hours).toEqual({
      zh: '工作日 9:00–17:00',
      en: 'Working days 9:00–17:00',
    });
  });

  it('refuses each field with its own bilingual message', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ countyCode: '330100' }, '/countyCode', 'task_force.county'],
      [{ countyCode: '999999' }, '/countyCode', 'task_force.county'],
      [{ phone: '12' }, '/phone', 'task_force.phone'],
      [{ phone: '0571-8700 0000 ext. 2' }, '/phone', 'task_force.phone'],
      [{ office: { zh: '', en: 'Office' } }, '/office/zh', 'task_force.text'],
      [{ address: { zh: '地址', en: 'x'.repeat(201) } }, '/address/en', 'task_force.text'],
      [{ address: { zh: '地址\n第二行', en: 'Address' } }, '/address/zh', 'text.single_line'],
      [{ secret: 'x' }, '/secret', 'unknown_field'],
    ];
    for (const [patch, pointer, code] of cases) expect(errorsOf({ ...CONTACT, ...patch }), pointer).toEqual([[pointer, code]]);
    const parsed = parseTaskForceContacts({ ...CONTACT, phone: '12' });
    expect(!parsed.ok && parsed.errors[0]!.message).toEqual(TASK_FORCE_MESSAGES['task_force.phone']);
    const missing = parseTaskForceContacts({ ...CONTACT, address: undefined });
    expect(!missing.ok && missing.errors[0]).toEqual({ pointer: '/address', code: 'required', message: MESSAGES.required });
  });

  it('stores an alias county code canonical', () => {
    expect(taskForceContactSchema.parse({ ...CONTACT, countyCode: '620201' }).countyCode).toBe('620200');
  });
});

describe('parseTaskForceContacts (a file)', () => {
  it('reads an array, {"contacts": [...]} (other members ignored) or one contact', () => {
    const other = { ...CONTACT, countyCode: '441900' };
    for (const raw of [[CONTACT, other], { description: 'x', contacts: [CONTACT, other] }]) {
      const parsed = parseTaskForceContacts(raw);
      expect(parsed.ok && parsed.contacts.map((c) => c.countyCode)).toEqual(['330106', '441900']);
    }
    expect(parseTaskForceContacts(CONTACT)).toMatchObject({ ok: true, contacts: [{ countyCode: '330106' }] });
  });

  it('points into the file, refuses a county twice and an empty list', () => {
    expect(errorsOf({ contacts: [CONTACT, { ...CONTACT, phone: 'x' }] })).toEqual([['/contacts/1/phone', 'task_force.phone']]);
    expect(errorsOf([CONTACT, CONTACT])).toEqual([['/1/countyCode', 'task_force.duplicate']]);
    expect(errorsOf([])).toEqual([['', 'task_force.file']]);
    expect(errorsOf({ contacts: 'none' })).toEqual([['/contacts', 'task_force.file']]);
  });
});

describe('needStatusView', () => {
  it("gives the county's task-force contact when one is loaded, and no member when none is", () => {
    const input = needSubmissionSchema.parse(validSubmission());
    const record = createNeedRecord({ input, needId: '01JDZ8Q8Y3M3B3X9N7W1V2C4D5', now: new Date('2026-12-01T02:00:00Z'), trackingTokenHash: 'h' });
    const contact = taskForceContactSchema.parse(CONTACT);
    expect(needStatusView(record, undefined, contact).taskForce).toEqual(contact);
    expect(needStatusView(record)).not.toHaveProperty('taskForce');
  });
});

describe('local/task-force.seed.json', () => {
  const seed = loadTaskForceSeed();

  it('is valid and covers the demo counties (the quick start, npm run demo, the seeded officials)', () => {
    expect(seed.map((c) => c.countyCode)).toEqual(expect.arrayContaining(['330106', '330108', '441900', '469002', '510107']));
  });

  it('every seeded county is served by a demo bank', () => {
    const banks = seedBanks(loadBankSeed(), 1);
    for (const contact of seed) expect(banks.some((bank) => servesCounty(bank, contact.countyCode)), contact.countyCode).toBe(true);
  });

  it('is clearly fictitious: simulated offices, numbers no one can have (subscriber number starting with 0)', () => {
    for (const contact of seed) {
      expect(contact.office.zh).toContain('（模拟）');
      expect(contact.office.en).toContain('(simulated)');
      expect(contact.phone).toMatch(/^0\d{2,3}-0/);
    }
  });
});
