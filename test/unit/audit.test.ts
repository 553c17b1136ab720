// Audit records: one schema per kind, strict (nothing else, personal data included, can ride along),
// and the partition each belongs to.
import { describe, expect, it } from 'vitest';
import { auditPartition, auditRecordSchema, type AuditRecord } from '../../shared/domain/audit';

const download: AuditRecord = { kind: 'report-download', at: '2026-11-30T16:30:00.000Z', who: 'gd-regulator', jurisdiction: '440000', what: 'reports/2026-11/440000.xlsx' };
const disclosure: AuditRecord = {
  kind: 'disclosure',
  at: '2026-11-02T01:00:00.000Z',
  needId: '01JCDXQ7Z3M8Y4N5P6R7S8T9VW',
  bankId: 'huimin-bank',
  referralId: '01JCDXQ7Z3M8Y4N5P6R7S8T9VX',
  occasion: 'acceptance',
  disclosed: ['enterprise.name', 'enterprise.creditCode', 'contact.name', 'contact.mobile'],
};

describe('audit records', () => {
  it('accept each kind as defined', () => {
    for (const record of [download, disclosure]) expect(auditRecordSchema.parse(record)).toEqual(record);
  });

  it('refuse extra fields, so no value of personal data can be stored with a record', () => {
    expect(auditRecordSchema.safeParse({ ...disclosure, contact: { mobile: '13800138000' } }).success).toBe(false);
    expect(auditRecordSchema.safeParse({ ...disclosure, disclosed: ['13800138000'] }).success).toBe(false);
    expect(auditRecordSchema.safeParse({ ...download, kind: 'something-else' }).success).toBe(false);
    expect(auditRecordSchema.safeParse({ ...download, at: 'yesterday' }).success).toBe(false);
  });

  it('are kept by CST month for downloads, by need for disclosures and erasures', () => {
    // 16:30 UTC on 30 November is 00:30 on 1 December in China.
    expect(auditPartition(download)).toBe('REPORT_DOWNLOADS#2026-12');
    expect(auditPartition(disclosure)).toBe('NEED#01JCDXQ7Z3M8Y4N5P6R7S8T9VW');
    expect(auditPartition({ kind: 'personal-data-erased', at: download.at, needId: 'N1', erased: ['contact.name'], retentionDays: 180 })).toBe('NEED#N1');
  });
});
