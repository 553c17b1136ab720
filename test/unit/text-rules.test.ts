// The characters a person cannot have meant (shared/domain/text.ts), refused in every free-text field
// of the need schema and in a bank's decline note, and ordinary Chinese and English text still passing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBankEvent } from '../../shared/domain/bank-events';
import { needSubmissionSchema } from '../../shared/domain/need';
import { textProblem, type TextLines } from '../../shared/domain/text';
import { MESSAGES, fieldErrorsFromZod } from '../../shared/domain/validation-messages';
import { validSubmission } from '../support/needs';

/**
 * The rule written out once more, code unit by code unit, without the implementation's regular
 * expressions: does the text hold a character that must be refused?
 */
function mustRefuse(text: string, lines: TextLines): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff) {
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return true;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true;
    if (c === 0xfffd) return true;
    if (c === 0x09 || c === 0x0a || (c === 0x0d && next === 0x0a)) {
      if (lines === 'single') return true;
      continue;
    }
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) return true;
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return true;
    if (lines === 'single' && [0x200e, 0x200f, 0x061c, 0x2028, 0x2029].includes(c)) return true;
  }
  return false;
}

const char = (min: number, max = min) => fc.integer({ min, max }).map((c) => String.fromCharCode(c));

/** Every character refused in any text. */
const refusedEverywhere = fc.oneof(
  char(0x00, 0x08),
  char(0x0b, 0x0c),
  char(0x0e, 0x1f),
  char(0x7f, 0x9f),
  char(0x202a, 0x202e),
  char(0x2066, 0x2069),
  char(0xd800, 0xdfff), // alone: the texts it is put into hold no surrogates
  char(0xfffd),
  // A carriage return not followed by a newline.
  fc.constantFrom('\r', '\rx', '\r\r\n'),
);
/** …and what single-line fields refuse besides. */
const refusedInOneLine = fc.oneof(refusedEverywhere, fc.constantFrom('\t', '\n', '\r\n', '\u2028', '\u2029', '\u200e', '\u200f', '\u061c'));

/** Ordinary text in Chinese and English: characters, letters, digits, punctuation of both, spaces. */
const ordinaryChar = fc.oneof(
  { weight: 4, arbitrary: char(0x4e00, 0x9fa5) },
  { weight: 3, arbitrary: char(0x20, 0x7e) },
  { weight: 1, arbitrary: fc.constantFrom('，', '。', '、', '（', '）', '：', '；', '！', '？', '“', '”', '《', '》', '·', '—', '％', '¥', '\u3000') },
);
const ordinaryLine = fc.string({ unit: ordinaryChar, minLength: 1, maxLength: 40 });
const ordinaryLines = fc
  .array(fc.tuple(fc.string({ unit: fc.oneof(ordinaryChar, fc.constant('\t')), maxLength: 60 }), fc.constantFrom('\n', '\r\n')), {
    maxLength: 8,
  })
  .map((parts) => parts.map(([line, end]) => line + end).join('') + '结束');

/** Puts `inserted` into `text` at a position chosen by `at`. */
const insertInto = (text: string, inserted: string, at: number) => {
  const i = at % (text.length + 1);
  return text.slice(0, i) + inserted + text.slice(i);
};

type Body = ReturnType<typeof validSubmission> & Record<string, any>;
const FIELDS: { pointer: string; lines: TextLines; set: (body: Body, value: string) => void; get: (body: Body) => string }[] = [
  ['enterprise', 'name'],
  ['enterprise', 'creditCode'],
  ['enterprise', 'countyCode'],
  ['enterprise', 'industryCode'],
  ['contact', 'name'],
  ['contact', 'mobile'],
  ['consent', 'textVersion'],
  ['need', 'description'],
].map(([section, field]) => ({
  pointer: `/${section}/${field}`,
  lines: field === 'description' ? 'multi' : 'single',
  set: (body, value) => {
    body[section!][field!] = value;
  },
  get: (body) => body[section!][field!],
}));

function errorsAt(body: unknown, pointer: string) {
  const result = needSubmissionSchema.safeParse(body);
  return result.success ? [] : fieldErrorsFromZod(result.error.issues, body).filter((e) => e.pointer === pointer);
}

describe('textProblem', () => {
  it.each([
    ['杭州西湖食品有限公司', 'single', undefined],
    ['Hangzhou Xihu Foods Co., Ltd.', 'single', undefined],
    ['第一行\n第二行\r\n\t第三行', 'multi', undefined],
    ['مرحبا \u200f123', 'multi', undefined],
    ['😀 emoji pairs are fine', 'single', undefined],
    ['a\ud800', 'single', 'text.lone_surrogate'],
    ['\udc00a', 'multi', 'text.lone_surrogate'],
    ['\ufffd', 'multi', 'text.replacement_character'],
    ['a\tb', 'single', 'text.single_line'],
    ['a\nb', 'single', 'text.single_line'],
    ['a\u2028b', 'single', 'text.single_line'],
    ['a\u0000b', 'multi', 'text.control'],
    ['a\rb', 'multi', 'text.control'],
    ['a\u007fb', 'single', 'text.control'],
    ['a\u0085b', 'multi', 'text.control'],
    ['abc\u202edcba', 'multi', 'text.bidi'],
    ['\u2066x\u2069', 'single', 'text.bidi'],
    ['a\u200fb', 'single', 'text.bidi'],
    ['a\u061cb', 'single', 'text.bidi'],
  ] as const)('%j (%s) → %s', (text, lines, expected) => {
    expect(textProblem(text, lines)).toBe(expected);
  });

  it('every problem it names has a message in Chinese and English', () => {
    for (const code of ['text.lone_surrogate', 'text.replacement_character', 'text.single_line', 'text.control', 'text.bidi'] as const) {
      expect(MESSAGES[code].zh).toMatch(/[\u4e00-\u9fff]/);
      expect(MESSAGES[code].en).toMatch(/[A-Za-z]/);
    }
  });

  it.each(['single', 'multi'] as const)('refuses exactly what the rule written out refuses (%s line), for any UTF-16 text', (lines) => {
    const anyCodeUnit = fc.oneof(
      { weight: 3, arbitrary: ordinaryChar },
      { weight: 1, arbitrary: char(0, 0xffff) },
      { weight: 1, arbitrary: refusedInOneLine },
      { weight: 1, arbitrary: fc.constantFrom('\ud83d\ude00', '\r\n', '\n', '\t') },
    );
    fc.assert(
      fc.property(fc.string({ unit: anyCodeUnit, maxLength: 24 }), (text) => {
        expect(textProblem(text, lines) !== undefined).toBe(mustRefuse(text, lines));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the need schema', () => {
  it.each(FIELDS)('refuses $pointer with any forbidden character in it, pointing at the field', ({ pointer, lines, set, get }) => {
    const forbidden = lines === 'single' ? refusedInOneLine : refusedEverywhere;
    fc.assert(
      fc.property(forbidden, fc.nat(), (inserted, at) => {
        const body = validSubmission() as Body;
        set(body, insertInto(get(body), inserted, at));
        expect(mustRefuse(get(body), lines)).toBe(true);
        const errors = errorsAt(body, pointer);
        expect(errors).toHaveLength(1);
        expect(errors[0]!.code).toMatch(/^text\./);
        expect(errors[0]!.message.zh).toMatch(/[\u4e00-\u9fff]/);
        expect(errors[0]!.message.en).toMatch(/[A-Za-z]/);
      }),
      { numRuns: 200 },
    );
  });

  it('takes ordinary Chinese and English text with newlines and tabs in the description', () => {
    fc.assert(
      fc.property(ordinaryLines, (description) => {
        const body = validSubmission() as Body;
        body.need.description = description;
        const result = needSubmissionSchema.safeParse(body);
        expect(result.success).toBe(true);
        expect(result.data?.need.description).toBe(description.replace(/\r\n/g, '\n').trim());
      }),
      { numRuns: 500 },
    );
  });

  it('takes ordinary Chinese and English names on one line', () => {
    fc.assert(
      fc.property(ordinaryLine, ordinaryLine, (name, contact) => {
        const body = validSubmission() as Body;
        body.enterprise.name = `杭${name}`;
        body.contact.name = `王${contact}`.slice(0, 50);
        expect(needSubmissionSchema.safeParse(body).success).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("a bank's decline note", () => {
  const decline = (note: string) => ({
    type: 'referral.declined',
    timestamp: '2026-11-30T08:30:00Z',
    data: { referralId: 'r-1', reasonCode: 'other', note },
  });

  it('refuses any forbidden character, pointing at the note', () => {
    fc.assert(
      fc.property(refusedEverywhere, fc.nat(), (inserted, at) => {
        const result = parseBankEvent(decline(insertInto('客户资料不全，请补充', inserted, at)));
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors).toEqual([expect.objectContaining({ pointer: '/data/note', code: expect.stringMatching(/^text\./) })]);
      }),
      { numRuns: 200 },
    );
  });

  it('takes ordinary text with newlines', () => {
    fc.assert(
      fc.property(ordinaryLines, (note) => {
        fc.pre(note.trim().length <= 500);
        expect(parseBankEvent(decline(note)).ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
