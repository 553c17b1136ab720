// The imports section (a county's own task force): choose visit records or a visit plan and a file
// (CSV in UTF-8 or GB18030, or XLSX), POST /v1/imports for a presigned upload, PUT the bytes there
// (the upload starts the import), then follow GET /v1/imports/{importId} with a progress bar until
// it is done or failed; the rejected rows come back as a file with their reasons. The templates
// (Chinese headers) download from the API.
import type { ImportView } from '../../shared/domain/import';
import { h, hideAlert, showAlert } from './dom';
import type { Language } from './i18n';
import { downloadFile, officialRequest, putFile } from './workspace-api';
import type { WorkspaceContext, WorkspaceSection } from './workspace-context';
import { choiceSelect, field } from './workspace-form';
import { wt, type WorkspaceKey } from './workspace-i18n';

const KINDS = ['visits', 'visit_plan'] as const;
type Kind = (typeof KINDS)[number];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** How often the page asks how the import is doing. */
export const POLL_MS = 1_000;

type Progress = { phase: 'uploading'; file: string } | { phase: 'upload-failed'; status: number } | { phase: 'import'; view: ImportView };

/** The status line of an import in `language`. */
export function importLine(view: Pick<ImportView, 'status' | 'rowsTotal' | 'rowsDone' | 'rowsAccepted' | 'rowsRejected'> & { failure?: { zh: string; en: string } }, language: Language): string {
  switch (view.status) {
    case 'queued':
      return wt(language, 'ws.imports.queued');
    case 'running':
      return wt(language, 'ws.imports.running', { done: view.rowsDone, total: view.rowsTotal ?? '…' });
    case 'done':
      return wt(language, 'ws.imports.done', { total: view.rowsTotal ?? view.rowsDone, accepted: view.rowsAccepted, rejected: view.rowsRejected });
    case 'failed':
      return wt(language, 'ws.imports.failed', { reason: view.failure?.[language] ?? '' });
  }
}

export function importsSection(root: HTMLElement, context: WorkspaceContext): WorkspaceSection {
  let progress: Progress | undefined;
  let generation = 0;
  const intro = h('p', { class: 'hint' });
  const kind = choiceSelect(KINDS, () => '');
  const file = h('input', { type: 'file', accept: '.csv,.xlsx,text/csv,' + XLSX, required: true });
  const kindField = field('import-kind', '', kind);
  const fileField = field('import-file', '', file);
  const templates = h('p', { class: 'hint' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' });
  const alert = h('div', { class: 'alert', role: 'alert', tabindex: '-1' });
  const form = h('form', { class: 'ws-form', novalidate: true }, intro, alert, kindField, fileField, templates, submit);
  const bar = h('progress', { class: 'ws-progress-bar', id: 'import-progress', max: '1', value: '0', hidden: true });
  const status = h('p', { class: 'ws-status', role: 'status', 'aria-live': 'polite', id: 'import-status' });
  const errors = h('p', {});
  root.append(form, bar, status, errors);

  const kindLabel = (language: Language, code: Kind): string => wt(language, `ws.imports.kind.${code}` as WorkspaceKey);

  const draw = (language: Language): void => {
    intro.textContent = wt(language, 'ws.imports.intro');
    kindField.querySelector('label')!.textContent = wt(language, 'ws.imports.kind');
    fileField.querySelector('label')!.textContent = wt(language, 'ws.imports.file');
    for (const option of kind.options) option.textContent = kindLabel(language, option.value as Kind);
    templates.replaceChildren(
      wt(language, 'ws.imports.templates'),
      ...KINDS.flatMap((code) =>
        (['csv', 'xlsx'] as const).map((format) =>
          h('button', { type: 'button', class: 'button-link', 'data-template': `${code}.${format}` }, wt(language, format === 'csv' ? 'ws.imports.templateCsv' : 'ws.imports.templateXlsx', { kind: kindLabel(language, code) })),
        ),
      ),
    );
    submit.textContent = wt(language, 'ws.imports.submit');
    bar.hidden = progress?.phase !== 'import';
    bar.setAttribute('aria-label', wt(language, 'ws.imports.progress'));
    errors.replaceChildren();
    if (!progress) status.textContent = '';
    else if (progress.phase === 'uploading') status.textContent = wt(language, 'ws.imports.uploading', { file: progress.file });
    else if (progress.phase === 'upload-failed') status.textContent = wt(language, 'ws.imports.uploadFailed', { status: progress.status });
    else {
      const { view } = progress;
      const total = view.rowsTotal ?? 0;
      bar.max = Math.max(total, 1);
      bar.value = view.status === 'done' ? bar.max : Math.min(view.rowsDone, bar.max);
      status.textContent = importLine(view, language);
      if (view.errorsUrl) errors.append(h('a', { href: view.errorsUrl, id: 'import-errors', download: '' }, wt(language, 'ws.imports.errors')));
    }
  };

  const follow = async (importId: string, mine: number): Promise<void> => {
    for (;;) {
      const token = context.token();
      if (!token || mine !== generation) return;
      const outcome = await officialRequest<ImportView>(token, context.language(), 'GET', `/v1/imports/${importId}`);
      if (mine !== generation) return;
      if (outcome.kind !== 'ok') {
        context.reportFailure(outcome);
        return;
      }
      progress = { phase: 'import', view: outcome.body };
      draw(context.language());
      if (outcome.body.status === 'done' || outcome.body.status === 'failed') return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = context.token();
    const county = context.county();
    const chosen = file.files?.[0];
    hideAlert(alert);
    if (!token || !county) return;
    if (!chosen) {
      showAlert(alert, wt(context.language(), 'ws.imports.noFile'), '');
      file.focus();
      return;
    }
    const mine = ++generation;
    progress = { phase: 'uploading', file: chosen.name };
    draw(context.language());
    void (async () => {
      const created = await officialRequest<{ importId: string; uploadUrl: string }>(token, context.language(), 'POST', '/v1/imports', {
        kind: kind.value,
        countyCode: county,
        fileName: chosen.name,
        sizeBytes: chosen.size,
      });
      if (mine !== generation) return;
      if (created.kind !== 'ok') {
        progress = undefined;
        draw(context.language());
        if (!context.reportFailure(created) && created.kind === 'problem') {
          const problem = created.problem;
          showAlert(alert, problem?.title ?? '', problem?.detail ?? '', (problem?.errors ?? []).map((error) => error.message[context.language()]));
          alert.focus();
        }
        return;
      }
      const put = await putFile(created.body.uploadUrl, chosen);
      if (mine !== generation) return;
      if (!put.ok) {
        progress = { phase: 'upload-failed', status: put.status };
        draw(context.language());
        return;
      }
      await follow(created.body.importId, mine);
    })();
  });

  templates.addEventListener('click', (event) => {
    const name = (event.target as Element).closest<HTMLButtonElement>('button[data-template]')?.dataset.template;
    const token = context.token();
    if (!name || !token) return;
    void downloadFile(token, context.language(), `/v1/imports/templates/${name}`, name.endsWith('.csv') ? 'text/csv' : XLSX, name).then((outcome) => {
      if (outcome.kind !== 'ok') context.reportFailure(outcome);
    });
  });

  return {
    load: () => draw(context.language()),
    render: draw,
  };
}
