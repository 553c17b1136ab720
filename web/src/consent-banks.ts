// The consent's recipients on the form (PIPL art. 23: the person is told which banks get the need):
// when a county is chosen, the banks serving it are fetched (GET /v1/counties/{countyCode}/banks,
// names only), named in the consent text in the page's language, and their ids go with the
// submission (consent.bankIds). When no bank serves the county, the text and a note say so.
import { consentTextFor, CURRENT_CONSENT_VERSION, type ConsentRecipient } from '../../shared/domain/consent';
import { apiBaseUrl } from './api';
import { h } from './dom';
import { t, type Language, type MessageKey } from './i18n';

const REQUEST_TIMEOUT_MS = 15_000;

const isText = (value: unknown): value is string => typeof value === 'string';

/** The banks of a county-banks answer, checked member by member; undefined when it is not one. */
export function banksFromAnswer(body: unknown, countyCode: string): ConsentRecipient[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { countyCode: county, banks } = body as { countyCode?: unknown; banks?: unknown };
  if (county !== countyCode || !Array.isArray(banks)) return undefined;
  const recipients: ConsentRecipient[] = [];
  for (const bank of banks as unknown[]) {
    const { bankId, nameZh, nameEn } = (bank ?? {}) as Record<string, unknown>;
    if (!isText(bankId) || !isText(nameZh) || !isText(nameEn)) return undefined;
    recipients.push({ bankId, nameZh, nameEn });
  }
  return recipients;
}

/** GET /v1/counties/{countyCode}/banks: the banks serving the county, or undefined when they cannot be had. */
export async function fetchCountyBanks(countyCode: string): Promise<ConsentRecipient[] | undefined> {
  try {
    const base = await apiBaseUrl();
    const response = await fetch(`${base}/v1/counties/${encodeURIComponent(countyCode)}/banks`, {
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return response.ok ? banksFromAnswer(await response.json(), countyCode) : undefined;
  } catch {
    return undefined;
  }
}

type Chosen =
  | { county: ''; kind: 'none' }
  | { county: string; kind: 'loading'; done: Promise<void> }
  | { county: string; kind: 'loaded'; banks: ConsentRecipient[] }
  | { county: string; kind: 'failed' };

/** The note under the consent text: what the list is doing, or that no bank serves the county. */
function noteKey(chosen: Chosen): MessageKey | undefined {
  if (chosen.kind === 'loading') return 'consent.banks.loading';
  if (chosen.kind === 'failed') return 'consent.banks.failed';
  if (chosen.kind === 'loaded' && chosen.banks.length === 0) return 'consent.banks.none';
  return undefined;
}

export class ConsentBanks {
  private chosen: Chosen = { county: '', kind: 'none' };
  /** After the text: a live region, hidden while it has nothing to say (so it moves nothing on the page). */
  private readonly note: HTMLElement;

  /**
   * @param body the consent text's element
   * @param language the page's language now (the text is redrawn when the list arrives)
   */
  constructor(
    private readonly body: HTMLElement,
    private readonly language: () => Language,
    private readonly fetchBanks: (countyCode: string) => Promise<ConsentRecipient[] | undefined> = fetchCountyBanks,
  ) {
    this.note = h('p', { id: 'consent-banks-note', class: 'hint', role: 'status', hidden: true });
    body.after(this.note);
  }

  /** Follows the county control: its changes, and the value it gets when its options are redrawn (a single county is chosen for the person). */
  follow(county: HTMLSelectElement): void {
    county.addEventListener('change', () => this.choose(county.value));
    new MutationObserver(() => this.choose(county.value)).observe(county, { childList: true });
    this.choose(county.value);
  }

  /** The county chosen now: its banks are fetched (once; again after a failure). */
  choose(countyCode: string): void {
    if (countyCode === this.chosen.county && this.chosen.kind !== 'failed') return;
    if (countyCode === '') {
      this.chosen = { county: '', kind: 'none' };
    } else {
      const done = this.fetchBanks(countyCode).then((banks) => {
        if (this.chosen.county !== countyCode) return; // another county was chosen meanwhile
        this.chosen = banks ? { county: countyCode, kind: 'loaded', banks } : { county: countyCode, kind: 'failed' };
        this.render(this.language());
      });
      this.chosen = { county: countyCode, kind: 'loading', done };
    }
    this.render(this.language());
  }

  /**
   * The ids of the chosen county's banks for the submission, waiting for the list (fetched again
   * after a failure): [] when no county is chosen (the form reports that), undefined when the list
   * cannot be had.
   */
  async ready(): Promise<string[] | undefined> {
    if (this.chosen.kind === 'failed') this.choose(this.chosen.county);
    const chosen = this.chosen;
    if (chosen.kind === 'loading') await chosen.done;
    const now = this.chosen;
    if (now.kind === 'none') return [];
    return now.kind === 'loaded' && now.county === chosen.county ? now.banks.map((bank) => bank.bankId) : undefined;
  }

  /** The consent text with the chosen county's banks named, and the note beneath it. */
  render(language: Language): void {
    const chosen = this.chosen;
    this.body.textContent = consentTextFor(CURRENT_CONSENT_VERSION, language, chosen.kind === 'loaded' ? chosen.banks : undefined);
    const key = noteKey(chosen);
    this.note.textContent = key ? t(language, key) : '';
    this.note.hidden = key === undefined;
  }
}
