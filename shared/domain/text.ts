// Text normalisation for what people paste into forms: full-width ASCII (Ａ-Ｚ, ０-９) and the
// ideographic space are a common paste error in Chinese input methods.
//
// And the characters a person cannot have meant, refused wherever free text comes in (one rule for
// every field, in the server's validation and the form's alike):
// - an unpaired UTF-16 surrogate: not a character at all (`"\ud800"` in JSON);
// - U+FFFD, the replacement character: the mark a decoder leaves where bytes were not valid UTF-8;
// - control characters: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F). Multi-line text
//   (descriptions, notes) may contain tab and newline (CRLF counts as a newline); single-line text
//   (names, codes, numbers) none at all, nor the line and paragraph separators U+2028/U+2029;
// - bidirectional formatting characters: the embeddings, overrides and isolates U+202A–U+202E and
//   U+2066–U+2069 anywhere (they reorder what a reader sees: "Trojan source" spoofing), and in
//   single-line text also the marks U+200E, U+200F and U+061C (invisible, and never needed in a
//   name or a code; mixed-direction prose may need them, so multi-line text keeps them).
import type { z } from 'zod';
import type { MessageCode } from './validation-messages';

export function toHalfWidth(input: string): string {
  return input.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

export type TextLines = 'single' | 'multi';

export type TextProblem = Extract<MessageCode, `text.${string}`>;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const REPLACEMENT = /\uFFFD/;
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
const BIDI_MARKS = /[\u200E\u200F\u061C]/;
/** Line breaks and tabs: allowed in multi-line text (CR only as part of CRLF), never in a single line. */
const LINE_BREAKS = /[\t\n\r\u2028\u2029]/;
/** Controls other than tab, LF and the CR of a CRLF. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const OTHER_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|\r(?!\n)/;

/** An unpaired UTF-16 surrogate: what `String.prototype.isWellFormed` (ES2024) refuses. */
export function hasLoneSurrogate(value: string): boolean {
  return LONE_SURROGATE.test(value);
}

/** The first reason the text cannot be taken as typed, or undefined when it is plain text. */
export function textProblem(value: string, lines: TextLines): TextProblem | undefined {
  if (hasLoneSurrogate(value)) return 'text.lone_surrogate';
  if (REPLACEMENT.test(value)) return 'text.replacement_character';
  if (lines === 'single' && LINE_BREAKS.test(value)) return 'text.single_line';
  if (OTHER_CONTROLS.test(value)) return 'text.control';
  if (BIDI_CONTROLS.test(value) || (lines === 'single' && BIDI_MARKS.test(value))) return 'text.bidi';
  return undefined;
}

/**
 * The rule as a zod refinement, for a string schema before it transforms the value:
 * `z.string().superRefine(plainText('single'))`. The issue's message is its code in MESSAGES.
 */
export function plainText(lines: TextLines) {
  return (value: string, ctx: z.core.$RefinementCtx<string>): void => {
    const problem = textProblem(value, lines);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  };
}

/** Newlines as LF: CRLF from Windows pastes and form encodings becomes one newline. */
export function normalizeNewlines(value: string): string {
  return value.replace(/\r\n/g, '\n');
}
