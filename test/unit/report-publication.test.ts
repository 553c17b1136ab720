// How a period is published (shared/domain/report-publication.ts): batches, keys, the manifest's
// order of precedence, and Publish's check that every batch was written.
import { describe, expect, it } from 'vitest';
import {
  batchesOf,
  batchName,
  manifestKey,
  reportFileKey,
  reportName,
  stagingKey,
  supersedes,
  writtenByPeriod,
  type PlannedPeriod,
} from '../../shared/domain/report-publication';

const VERSION = 'v0123456789abcdef';
const planned = (files: number, reports: number): PlannedPeriod => ({
  period: '2026-11',
  version: VERSION,
  reports,
  files,
  batches: 2,
  itemsRead: 10,
  manifest: stagingKey('2026-11', VERSION, 'manifest'),
});
const batch = (name: string, reports: number) => ({ period: '2026-11', version: VERSION, batch: name, reports, files: reports * 8, bytes: reports * 1000 });

describe('layout', () => {
  it('puts files under the version, manifests apart, and names a report without its version', () => {
    expect(reportFileKey('2026-11', VERSION, '330000', 'full', 'xlsx')).toBe(`reports/2026-11/${VERSION}/330000.xlsx`);
    expect(reportFileKey('2026-11-mtd-29', VERSION, '000000', 'public', 'csv')).toBe(`public-reports/2026-11-mtd-29/${VERSION}/000000.csv`);
    expect(reportName('2026-11', '330000', 'public', 'html')).toBe('public-reports/2026-11/330000.html');
    expect(manifestKey('2026-11')).toBe('report-manifests/2026-11.json');
    expect(stagingKey('2026-11', VERSION, batchName(7))).toBe(`rollup-staging/2026-11/${VERSION}/batch-007.json`);
  });
});

describe('batchesOf', () => {
  it('cuts in order into batches of at most the size, the last one smaller', () => {
    expect(batchesOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batchesOf([], 3)).toEqual([]);
    expect(() => batchesOf([1], 0)).toThrow(RangeError);
    expect(() => batchesOf([1], 1.5)).toThrow(RangeError);
  });
});

describe('supersedes', () => {
  it('lets a run replace a manifest of older or equal counters, never a newer one', () => {
    expect(supersedes({ countersUpdatedAt: '2026-11-30T10:00:00.000Z' }, undefined)).toBe(true);
    expect(supersedes({ countersUpdatedAt: '2026-11-30T10:00:00.000Z' }, { countersUpdatedAt: '2026-11-30T10:00:00.000Z' })).toBe(true);
    expect(supersedes({ countersUpdatedAt: '2026-11-30T18:00:00+08:00' }, { countersUpdatedAt: '2026-11-30T09:00:00.000Z' })).toBe(true);
    expect(supersedes({ countersUpdatedAt: '2026-11-30T09:00:00.000Z' }, { countersUpdatedAt: '2026-11-30T10:00:00.000Z' })).toBe(false);
  });

  it('never lets a run that found no counters replace one that did (a run that read before the first need of the day, finishing late)', () => {
    expect(supersedes({}, { countersUpdatedAt: '2026-11-30T10:00:00.000Z' })).toBe(false);
    expect(supersedes({ countersUpdatedAt: '2026-11-30T10:00:00.000Z' }, {})).toBe(true);
    expect(supersedes({}, {})).toBe(true);
  });
});

describe('writtenByPeriod', () => {
  it('sums what the workers wrote', () => {
    const sums = writtenByPeriod({ periods: [planned(40, 5)], written: [batch('batch-000', 3), batch('batch-001', 2)] });
    expect(sums.get(`2026-11/${VERSION}`)).toEqual({ files: 40, bytes: 5000, reports: 5 });
  });

  it('refuses to publish a period a batch is missing from, or a batch of no planned period', () => {
    expect(() => writtenByPeriod({ periods: [planned(40, 5)], written: [batch('batch-000', 3)] })).toThrow(/wrote 3 reports in 24 files, the plan has 5 in 40/);
    expect(() => writtenByPeriod({ periods: [planned(24, 3)], written: [batch('batch-000', 3), { ...batch('batch-000', 1), version: 'vffffffffffffffff' }] })).toThrow(
      /belongs to no planned period/,
    );
  });
});
