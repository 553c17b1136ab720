// Turns zod issues into field errors with a message in Chinese and English. Schemas name their own
// problems with a code from MESSAGES (`{ error: 'credit_code.check' }`); zod's generic issues (wrong
// type, out of range, unknown key) get a generic bilingual message built from the issue.
import type { z } from 'zod';
import { toJsonPointer, type FieldError, type LocalizedText } from './problem';

export const MESSAGES = {
  'required': { zh: '此项必填', en: 'This field is required' },
  'enterprise.name': { zh: '请填写企业名称（1–100 个字）', en: 'Enter the enterprise name (1–100 characters)' },
  'credit_code.length': {
    zh: '统一社会信用代码应为 18 位',
    en: 'The unified social credit code must have 18 characters',
  },
  'credit_code.alphabet': {
    zh: '统一社会信用代码含有无效字符（只允许数字和除 I、O、S、V、Z 以外的大写字母）',
    en: 'The unified social credit code contains invalid characters (digits and capital letters except I, O, S, V, Z)',
  },
  'credit_code.check': {
    zh: '统一社会信用代码校验位不正确，请核对',
    en: 'The check character of the unified social credit code is wrong; please check the code',
  },
  'county_code.unknown': {
    zh: '请选择有效的县级行政区（区、县、县级市）',
    en: 'Choose a valid county-level division (district, county or county-level city)',
  },
  'industry_code.unknown': {
    zh: '请选择有效的国民经济行业分类（大类，房地产业与装卸搬运和仓储业需选到中类）',
    en: 'Choose a valid industry (GB/T 4754-2017 division; real estate and warehousing need the group level)',
  },
  'mobile.invalid': {
    zh: '请填写有效的中国大陆手机号码（11 位，以 1 开头）',
    en: 'Enter a valid mainland China mobile number (11 digits starting with 1)',
  },
  'contact.name': { zh: '请填写联系人姓名（1–50 个字）', en: "Enter the contact person's name (1–50 characters)" },
  'amount.range': {
    zh: '融资金额应为 1,000 元至 5 亿元之间的整数（单位：元）',
    en: 'The amount must be a whole number of yuan between 1,000 and 500,000,000',
  },
  'term.range': { zh: '期限应为 1 至 360 个月的整数', en: 'The term must be a whole number of months from 1 to 360' },
  'employees.range': {
    zh: '从业人员数应为 0 至 1,000,000 的整数',
    en: 'Employees must be a whole number from 0 to 1,000,000',
  },
  'yuan.range': {
    zh: '金额应为不小于 0 的整数（单位：元）',
    en: 'Enter a whole, non-negative number of yuan',
  },
  'years.range': {
    zh: '经营年限应为 0 至 200 的整数',
    en: 'Years in operation must be a whole number from 0 to 200',
  },
  'description.length': { zh: '说明最多 1,000 个字', en: 'The description may have at most 1,000 characters' },
  'consent.required': {
    zh: '向银行推送需求前，须单独同意向银行提供您的信息',
    en: 'Separate consent to share your information with banks is required before the need can be referred',
  },
  'consent.version': {
    zh: '同意书版本未知，请刷新页面后重新确认',
    en: 'Unknown consent text version; reload the page and confirm again',
  },
  'consent.bank_ids': {
    zh: '请列出您同意接收本需求的银行（服务所选区县的银行标识）',
    en: 'List the banks you consent to receive this need (ids of banks serving the chosen county)',
  },
  'status_link.code': { zh: '请输入短信中的 6 位数字验证码', en: 'Enter the 6-digit code from the text message' },
  // Characters a person cannot have meant (shared/domain/text.ts), in any text field.
  'text.lone_surrogate': {
    zh: '含有无效字符（不成对的 UTF-16 代理项），请重新输入此项',
    en: 'Contains an invalid character (an unpaired UTF-16 surrogate); enter this field again',
  },
  'text.replacement_character': {
    zh: '含有乱码字符 �（通常是文字编码出错造成的），请重新输入此项',
    en: 'Contains the replacement character � (the sign of a character-encoding error); enter this field again',
  },
  'text.single_line': {
    zh: '此项只能填写一行：请删除换行符和制表符',
    en: 'This field is a single line: remove line breaks and tabs',
  },
  'text.control': {
    zh: '含有不可见的控制字符，请删除后重试',
    en: 'Contains an invisible control character; remove it and try again',
  },
  'text.bidi': {
    zh: '含有改变文字显示方向的不可见字符（如 U+202E），请删除后重试',
    en: 'Contains an invisible character that changes the text direction (such as U+202E); remove it and try again',
  },
} as const satisfies Record<string, LocalizedText>;

export type MessageCode = keyof typeof MESSAGES;

function isMessageCode(value: string): value is MessageCode {
  return Object.hasOwn(MESSAGES, value);
}

function genericMessage(issue: z.core.$ZodIssue): { code: string; message: LocalizedText } {
  switch (issue.code) {
    case 'invalid_type':
      return {
        code: 'type',
        message: { zh: `类型不正确，应为 ${issue.expected}`, en: `Wrong type: expected ${issue.expected}` },
      };
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return { code: 'enum', message: { zh: `取值应为：${options}`, en: `Must be one of: ${options}` } };
    }
    case 'too_small':
      return {
        code: 'too_small',
        message: { zh: `不得小于 ${String(issue.minimum)}`, en: `Must be at least ${String(issue.minimum)}` },
      };
    case 'too_big':
      return {
        code: 'too_big',
        message: { zh: `不得大于 ${String(issue.maximum)}`, en: `Must be at most ${String(issue.maximum)}` },
      };
    default:
      return { code: 'invalid', message: { zh: '取值无效', en: 'Invalid value' } };
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Field errors for the issues of one parse of `input`. A field that is absent gets "required",
 * whatever check it then failed.
 */
export function fieldErrorsFromZod(issues: readonly z.core.$ZodIssue[], input: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // Point at each unknown member itself, so a client sees exactly what to remove.
      for (const key of issue.keys) {
        errors.push({
          pointer: toJsonPointer([...issue.path, key]),
          code: 'unknown_field',
          message: { zh: `不认识的字段：${key}`, en: `Unknown field: ${key}` },
        });
      }
      continue;
    }
    const pointer = toJsonPointer(issue.path);
    const resolved =
      valueAt(input, issue.path) === undefined
        ? { code: 'required', message: MESSAGES.required }
        : isMessageCode(issue.message)
          ? { code: issue.message, message: MESSAGES[issue.message] }
          : genericMessage(issue);
    // One message per field: the first problem found is the one to fix first.
    if (seen.has(pointer)) continue;
    seen.add(pointer);
    errors.push({ pointer, ...resolved });
  }
  return errors;
}
