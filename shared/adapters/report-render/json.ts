// JSON: the report with keys in a fixed order (see ../report-render.ts).
import { ESCALATION_ACTIONS, ESCALATION_KINDS, REVIEW_DECISIONS } from '../../domain/report';
import { COHORT_FUNNEL_STAGES } from '../../domain/report-labels';
import type { RenderableReport } from './formats';

type Shape = { order: readonly string[]; nested?: Readonly<Record<string, string>> };
const SHAPES: Readonly<Record<string, Shape>> = {
  root: {
    order: ['period', 'division', 'generatedAt', 'edition', 'threshold', 'provisionalDeadlineYears', 'totals', 'children', 'banks', 'suppressed'],
    nested: { division: 'division', totals: 'totals', children: 'child', banks: 'bank' },
  },
  division: { order: ['code', 'name', 'nameEn', 'level'] },
  child: { order: ['division', 'totals'], nested: { division: 'division', totals: 'totals' } },
  totals: {
    order: [
      'declared', 'recommended', 'notRecommended', 'offered', 'accepted', 'declined', 'deadlinesMissed', 'lateAnswers',
      'unmatched', 'granted', 'creditLoans', 'creditLoanShare', 'weightedAnnualRateBp', 'firstLoans',
      'mediumLongTermLoans', 'disbursed', 'decisionsTimed', 'medianDaysToDecision', 'coverage',
      'visits', 'reviews', 'escalations', 'funnel',
    ],
    nested: {
      notRecommended: 'breakdown',
      declined: 'breakdown',
      granted: 'countAmount',
      creditLoans: 'countAmount',
      disbursed: 'countAmount',
      coverage: 'coverage',
      visits: 'visits',
      reviews: 'reviews',
      escalations: 'escalations',
      funnel: 'funnel',
    },
  },
  visits: { order: ['visited', 'visits', 'planned', 'coverage'] },
  reviews: { order: ['made', 'madeBy', 'timed', 'medianWorkingDays', 'overdue'], nested: { madeBy: 'madeBy' } },
  madeBy: { order: REVIEW_DECISIONS },
  escalations: { order: ['opened', 'openedBy', 'resolved', 'resolvedBy'], nested: { openedBy: 'openedBy', resolvedBy: 'resolvedBy' } },
  openedBy: { order: ESCALATION_KINDS },
  resolvedBy: { order: ESCALATION_ACTIONS },
  funnel: { order: COHORT_FUNNEL_STAGES.map((s) => s.pointer.slice('/funnel/'.length)) },
  breakdown: { order: ['total', 'byReason'], nested: { byReason: 'sorted' } },
  sorted: { order: [] },
  countAmount: { order: ['count', 'amountYuan'] },
  coverage: { order: ['countiesWithActivity', 'countiesInDivision'] },
  bank: {
    order: [
      'bankId', 'name', 'offers', 'accepted', 'acceptanceRate', 'declined', 'deadlinesMissed', 'lateAnswers', 'granted',
      'answersTimed', 'medianDaysToAnswer',
    ],
    nested: { name: 'text', granted: 'countAmount' },
  },
  text: { order: ['zh', 'en'] },
};

/** Each shape's keys with their positions. */
const RANKS = new Map(Object.values(SHAPES).map((shape) => [shape, new Map(shape.order.map((key, i) => [key, i]))]));

/** A copy of `value` with the keys of every object in the order of its shape (unknown keys last, sorted). */
function canonical(value: unknown, shapeName: string): unknown {
  if (Array.isArray(value)) return value.map((item) => canonical(item, shapeName));
  if (value === null || typeof value !== 'object') return value;
  const shape = SHAPES[shapeName] ?? SHAPES.sorted!;
  const ranks = RANKS.get(shape)!;
  const rank = (key: string): number => ranks.get(key) ?? shape.order.length;
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = canonical((value as Record<string, unknown>)[key], shape.nested?.[key] ?? 'sorted');
  return out;
}


/** The report as JSON: keys in a fixed order, 2-space indent, trailing newline (the report already validated). */
export const jsonOf = (report: RenderableReport): Buffer => Buffer.from(`${JSON.stringify(canonical(report, 'root'), null, 2)}\n`, 'utf8');
