// Small DOM helpers shared by the pages. Text always goes in with textContent, never as HTML.

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing element #${id}`);
  return element as T;
}

type Child = Node | string | null | undefined | false;

/** Creates an element with attributes (a `false`/`undefined` value leaves one out) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string | boolean | undefined>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

export function clear(element: Element): void {
  element.replaceChildren();
}

/**
 * Fills a `role="alert"` container with a title, a detail, a list of further messages (empty
 * ones are left out) and a link to what to do next. The container stays in the page while empty (styled away by `:empty`), so
 * that assistive technology announces what is put into it.
 */
export function showAlert(container: HTMLElement, title: string, detail: string, items: readonly string[] = [], link?: { href: string; text: string }): void {
  container.replaceChildren(
    ...(title ? [h('p', { class: 'alert-title' }, title)] : []),
    ...(detail ? [h('p', { class: 'alert-detail' }, detail)] : []),
    ...(items.length > 0 ? [h('ul', { class: 'alert-list' }, ...items.map((item) => h('li', {}, item)))] : []),
    ...(link ? [h('p', { class: 'alert-link' }, h('a', { href: link.href }, link.text))] : []),
  );
}

export function hideAlert(container: HTMLElement): void {
  container.replaceChildren();
}

/** Adds or removes an id from an element's aria-describedby list. */
export function setDescribedBy(element: Element, id: string, present: boolean): void {
  const ids = new Set((element.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean));
  if (present) ids.add(id);
  else ids.delete(id);
  if (ids.size > 0) element.setAttribute('aria-describedby', [...ids].join(' '));
  else element.removeAttribute('aria-describedby');
}
