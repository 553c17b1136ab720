// The review section (审核): the county's needs waiting for the task force's decision (GET
// /v1/counties/{countyCode}/reviews?state=pending), overdue ones marked in words; the county's own
// task force chooses one or many and decides them the same way (POST …/reviews: recommend, return
// with what the enterprise should provide, or not recommended with reasons), and sees each need's
// result. Coordinators pick a county and read.
import type { PendingReview } from '../../shared/domain/review';
import { REVIEW_NOT_RECOMMENDED_REASONS, REVIEW_RETURN_REASONS } from '../../shared/domain/review-reasons';
import { h, hideAlert, showAlert } from './dom';
import { formatChinaTime, formatYuan } from './format';
import type { Language } from './i18n';
import { officialRequest } from './workspace-api';
import type { WorkspaceContext, WorkspaceSection } from './workspace-context';
import { choiceSelect, field, scrollingTable } from './workspace-form';
import { wt, type WorkspaceKey } from './workspace-i18n';
import { countyChooser } from './workspace-county';

const DECISIONS = ['recommend', 'return', 'not_recommended'] as const;
type Decision = (typeof DECISIONS)[number];
const REASONS: Record<Decision, Readonly<Record<string, { zh: string; en: string }>>> = {
  recommend: {},
  return: REVIEW_RETURN_REASONS,
  not_recommended: REVIEW_NOT_RECOMMENDED_REASONS,
};

interface DecisionResult {
  needId: string;
  result: 'applied' | 'already_decided' | 'refused' | 'not_found';
  reason?: string;
}

/** The body of POST …/reviews: one decision per chosen need, reasons and note only where they apply. */
export function decisionsBody(needIds: readonly string[], decision: Decision, reasonCodes: readonly string[], note: string): { decisions: Record<string, unknown>[] } {
  return {
    decisions: needIds.map((needId) => ({
      needId,
      decision,
      ...(decision !== 'recommend' && reasonCodes.length > 0 ? { reasonCodes: [...reasonCodes] } : {}),
      ...(note.trim() !== '' ? { note } : {}),
    })),
  };
}

export function reviewsSection(root: HTMLElement, context: WorkspaceContext): WorkspaceSection {
  let reviews: PendingReview[] = [];
  let results: DecisionResult[] | undefined;
  const intro = h('p', { class: 'hint' });
  const county = countyChooser('reviews-county', context, () => void load());
  const readOnly = h('p', { class: 'hint' });
  const table = h('div', {});
  const decision = choiceSelect(DECISIONS, () => '');
  const decisionField = field('reviews-decision', '', decision);
  const reasons = h('fieldset', { class: 'field ws-checks', id: 'reviews-reasons' });
  const note = h('textarea', { rows: '2', maxlength: '500' });
  const noteField = field('reviews-note', '', note);
  const apply = h('button', { type: 'submit', class: 'button button-primary' });
  const alert = h('div', { class: 'alert', role: 'alert', tabindex: '-1' });
  const status = h('div', { class: 'ws-status', role: 'status', 'aria-live': 'polite', id: 'reviews-status' });
  const form = h('form', { class: 'ws-form', novalidate: true }, alert, decisionField, reasons, noteField, apply);
  const refresh = h('button', { type: 'button', class: 'button', id: 'reviews-refresh' });
  root.append(intro, county.field, refresh, readOnly, table, form, status);

  const own = (): boolean => context.county() !== undefined;
  const chosen = (): string[] => [...table.querySelectorAll<HTMLInputElement>('input[data-need]:checked')].map((box) => box.dataset.need!);

  const draw = (language: Language): void => {
    intro.textContent = wt(language, 'ws.reviews.intro');
    refresh.textContent = wt(language, 'ws.refresh');
    county.render(language);
    readOnly.hidden = own();
    readOnly.textContent = wt(language, 'ws.reviews.readOnly');
    form.hidden = !own() || reviews.length === 0;
    const picked = new Set(chosen());
    table.replaceChildren(
      reviews.length === 0
        ? h('p', { class: 'hint' }, wt(language, 'ws.reviews.empty'))
        : scrollingTable(
            wt(language, 'ws.reviews.title'),
            [wt(language, 'ws.lists.enterprise'), wt(language, 'ws.lists.amount'), wt(language, 'ws.reviews.declaredAt'), wt(language, 'ws.reviews.dueAt'), ...(own() ? [wt(language, 'ws.reviews.pick')] : [])],
            reviews.map((review) => [
              review.overdue ? h('span', {}, review.enterpriseName, ' ', h('strong', { class: 'ws-flag' }, wt(language, 'ws.reviews.overdue'))) : review.enterpriseName,
              formatYuan(review.amountYuan, language),
              formatChinaTime(review.declaredAt),
              formatChinaTime(review.dueAt),
              ...(own()
                ? [h('input', { type: 'checkbox', 'data-need': review.needId, checked: picked.has(review.needId), 'aria-label': `${wt(language, 'ws.reviews.pick')}：${review.enterpriseName}` })]
                : []),
            ]),
            (index) => (reviews[index]!.overdue ? 'ws-overdue' : undefined),
          ),
    );
    decisionField.querySelector('label')!.textContent = wt(language, 'ws.reviews.decision');
    for (const option of decision.options) option.textContent = wt(language, `ws.reviews.decision.${option.value}` as WorkspaceKey);
    const table_ = REASONS[decision.value as Decision];
    const checkedReasons = new Set([...reasons.querySelectorAll<HTMLInputElement>('input:checked')].map((box) => box.value));
    reasons.hidden = Object.keys(table_).length === 0;
    reasons.replaceChildren(
      h('legend', {}, wt(language, 'ws.reviews.reasons')),
      h('p', { class: 'field-error', id: 'reviews-reasons-error', hidden: true }),
      ...Object.entries(table_).map(([code, text]) =>
        h('div', { class: 'choice' }, h('input', { type: 'checkbox', id: `reviews-reason-${code}`, value: code, checked: checkedReasons.has(code) }), h('label', { for: `reviews-reason-${code}` }, text[language])),
      ),
    );
    noteField.querySelector('label')!.replaceChildren(wt(language, 'ws.reviews.note'), h('span', { class: 'optional' }, ` ${wt(language, 'ws.optional')}`));
    apply.textContent = wt(language, 'ws.reviews.apply', { count: picked.size });
    if (!results) status.replaceChildren();
    else {
      const other = results.filter((r) => r.result !== 'applied');
      status.replaceChildren(
        wt(language, 'ws.reviews.done', { applied: results.length - other.length, other: other.length }),
        h('ul', {}, ...results.map((r) => h('li', {}, `${r.needId}: ${wt(language, `ws.reviews.result.${r.result}` as WorkspaceKey)}${r.reason ? ` (${r.reason})` : ''}`))),
      );
    }
  };

  const load = async (): Promise<void> => {
    const token = context.token();
    const code = county.chosen();
    if (!token || !code) return;
    const outcome = await officialRequest<{ reviews: PendingReview[] }>(token, context.language(), 'GET', `/v1/counties/${code}/reviews?state=pending`);
    if (outcome.kind === 'ok') reviews = outcome.body.reviews;
    else context.reportFailure(outcome);
    draw(context.language());
  };

  table.addEventListener('change', () => {
    apply.textContent = wt(context.language(), 'ws.reviews.apply', { count: chosen().length });
  });
  decision.addEventListener('change', () => draw(context.language()));
  refresh.addEventListener('click', () => void load());

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = context.token();
    const code = context.county();
    const needIds = chosen();
    hideAlert(alert);
    if (!token || !code) return;
    if (needIds.length === 0) {
      showAlert(alert, wt(context.language(), 'ws.reviews.noneChosen'), '');
      alert.focus();
      return;
    }
    const reasonCodes = [...reasons.querySelectorAll<HTMLInputElement>('input:checked')].map((box) => box.value);
    const body = decisionsBody(needIds, decision.value as Decision, reasonCodes, note.value);
    void officialRequest<{ results: DecisionResult[] }>(token, context.language(), 'POST', `/v1/counties/${code}/reviews`, body).then(async (outcome) => {
      if (outcome.kind !== 'ok') {
        if (!context.reportFailure(outcome) && outcome.kind === 'problem') {
          showAlert(alert, outcome.problem?.title ?? '', outcome.problem?.detail ?? '', (outcome.problem?.errors ?? []).map((error) => error.message[context.language()]));
          alert.focus();
        }
        return;
      }
      results = outcome.body.results;
      note.value = '';
      await load();
    });
  });

  return { load: () => void load(), render: draw };
}
