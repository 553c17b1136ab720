// The county a section shows: the official's own county (a county-level task force), or one a
// coordinator picks among the counties of their jurisdiction (from the province's names file).
import { loadedProvince, pickerLabel } from './division-data';
import { h } from './dom';
import type { Language } from './i18n';
import type { WorkspaceContext } from './workspace-context';
import { field } from './workspace-form';
import { wt } from './workspace-i18n';

/** The counties a coordinator may pick: those of the loaded province under the jurisdiction. */
export function countiesUnder(jurisdiction: string, language: Language): { code: string; label: string }[] {
  const province = loadedProvince(jurisdiction);
  if (!province) return [];
  const prefix = jurisdiction.slice(2, 4) === '00' ? jurisdiction.slice(0, 2) : jurisdiction.slice(0, 4);
  return province.prefectures.flatMap((group) =>
    group.counties.filter((county) => county.code.startsWith(prefix)).map((county) => ({ code: county.code, label: pickerLabel(county, language) })),
  );
}

export interface CountyChooser {
  /** The field to put in the section (hidden for a county's own task force). */
  field: HTMLDivElement;
  /** The county the section shows now ('' while a coordinator's counties are not loaded). */
  chosen(): string;
  render(language: Language): void;
}

export function countyChooser(id: string, context: WorkspaceContext, changed: () => void): CountyChooser {
  const select = h('select', {});
  const box = field(id, '', select);
  select.addEventListener('change', changed);
  return {
    field: box,
    chosen: () => context.county() ?? select.value,
    render(language) {
      box.hidden = context.county() !== undefined;
      box.querySelector('label')!.textContent = wt(language, 'ws.progress.division');
      if (context.county() !== undefined) return;
      const keep = select.value;
      select.replaceChildren(...countiesUnder(context.jurisdiction(), language).map((c) => h('option', { value: c.code, selected: c.code === keep }, c.label)));
      // The counties have just arrived (the province's names): show the first one.
      if (!keep && select.value) queueMicrotask(changed);
    },
  };
}
