// Form pieces the workspace's sections share: a labelled field with its hint and its error line
// (wired with aria-describedby), field errors of a problem+json answer put beside their fields
// (by JSON pointer), and an error summary that says nothing was saved.
import type { FieldError } from '../../shared/domain/problem';
import { h, setDescribedBy } from './dom';
import type { Language } from './i18n';

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** `<div class="field">` with label, optional hint, error line and the control; the control's id is `id`. */
export function field(id: string, label: string, control: Control, options: { hint?: string; optional?: string } = {}): HTMLDivElement {
  control.id = id;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  if (options.hint) setDescribedBy(control, hintId, true);
  return h(
    'div',
    { class: 'field', 'data-field': id },
    h('label', { for: id }, label, options.optional ? h('span', { class: 'optional' }, ` ${options.optional}`) : null),
    options.hint ? h('p', { class: 'hint', id: hintId }, options.hint) : null,
    h('p', { class: 'field-error', id: errorId, hidden: true }),
    control,
  );
}

/**
 * The ids a pointer may name, most precise first, within a form whose fields are
 * `<prefix>-<path with dashes>` (`/enterprise/employees` → `vn-enterprise-employees`; `/bankIds/0`
 * → `visit-bankIds-0`, then `visit-bankIds`).
 */
export function fieldIdsOf(prefix: string, pointer: string): string[] {
  const parts = pointer.replace(/^\//, '').split('/');
  return parts.map((_, index) => `${prefix}-${parts.slice(0, parts.length - index).join('-')}`);
}

/** Clears every field error of the form. */
export function clearFieldErrors(form: HTMLElement): void {
  for (const line of form.querySelectorAll<HTMLElement>('.field-error')) {
    line.hidden = true;
    line.textContent = '';
  }
  for (const control of form.querySelectorAll<HTMLElement>('[aria-invalid]')) {
    control.removeAttribute('aria-invalid');
    setDescribedBy(control, `${control.id}-error`, false);
  }
}

/**
 * Puts each error beside its field (by pointer, `prefix`-named fields) and returns the messages of
 * those without a field, for the summary. The first field with an error gets the focus.
 */
export function showFieldErrors(form: HTMLElement, prefix: string, errors: readonly FieldError[], language: Language): string[] {
  clearFieldErrors(form);
  const loose: string[] = [];
  let first: HTMLElement | undefined;
  for (const error of errors) {
    const id = fieldIdsOf(prefix, error.pointer).find((candidate) => form.querySelector(`#${CSS.escape(`${candidate}-error`)}`));
    const control = id ? form.querySelector<HTMLElement>(`#${CSS.escape(id)}`) : null;
    const line = id ? form.querySelector<HTMLElement>(`#${CSS.escape(`${id}-error`)}`) : null;
    if (!control || !line || error.pointer === '') {
      loose.push(error.message[language]);
      continue;
    }
    line.textContent = line.textContent ? `${line.textContent} ${error.message[language]}` : error.message[language];
    line.hidden = false;
    control.setAttribute('aria-invalid', 'true');
    setDescribedBy(control, line.id, true);
    first ??= control;
  }
  first?.focus();
  return loose;
}

/** A `<select>` of codes with their labels in `language` (and an empty first choice when `placeholder` is given). */
export function choiceSelect(codes: readonly string[], label: (code: string) => string, placeholder?: string): HTMLSelectElement {
  const select = h('select', {});
  if (placeholder !== undefined) select.append(h('option', { value: '' }, placeholder));
  for (const code of codes) select.append(h('option', { value: code }, label(code)));
  return select;
}

/** A table that scrolls sideways on a phone, focusable so a keyboard can scroll it too. */
export function scrollingTable(label: string, head: readonly string[], rows: readonly (readonly (Node | string)[])[], rowClass?: (index: number) => string | undefined): HTMLDivElement {
  return h(
    'div',
    { class: 'ws-table-wrap', role: 'region', 'aria-label': label, tabindex: '0' },
    h(
      'table',
      { class: 'ws-table' },
      h('thead', {}, h('tr', {}, ...head.map((cell) => h('th', { scope: 'col' }, cell)))),
      h('tbody', {}, ...rows.map((row, index) => h('tr', { class: rowClass?.(index) }, ...row.map((cell, column) => (column === 0 ? h('th', { scope: 'row' }, cell) : h('td', {}, cell)))))),
    ),
  );
}
