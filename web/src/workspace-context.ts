// What the workspace's sections share: the signed-in official, the county they work in (a
// county-level task force) or coordinate (wider), the page language, and one way to report a call
// that failed for a reason that is not the section's own (network, signed out, server).
import type { ApiOutcome } from './api';
import type { Language } from './i18n';

export interface WorkspaceContext {
  /** The ID token, while signed in. */
  token(): string | undefined;
  language(): Language;
  /** The caller's jurisdiction (a division code). */
  jurisdiction(): string;
  /** The caller's own county, when they are a county-level task force (who records and decides). */
  county(): string | undefined;
  /**
   * Reports a failed call on the page's alert unless the section shows it itself: network, 401,
   * 403, 5xx. Returns true when it did (the section then shows nothing more).
   */
  reportFailure(outcome: Exclude<ApiOutcome<unknown>, { kind: 'ok' }>): boolean;
}

/** One section of the workspace: it builds its content once, loads when shown, and redraws in a language. */
export interface WorkspaceSection {
  /** Called when the official signs in (or the tokens change hands): load what the section shows. */
  load(): void;
  render(language: Language): void;
}
