// Every UI string of the enterprise pages, in Chinese (the default) and English, and the little
// machinery to switch between them without a reload. Pure data and functions; the DOM side lives
// in language.ts.
import type { Language } from '../../shared/domain/problem';
import type { NeedStatus } from '../../shared/domain/need-record';
import type { SizeClass } from '../../shared/domain/enterprise-size';
import type { EntityType, Guarantee, Purpose } from '../../shared/domain/need';

export type { Language };

export const LANGUAGES: readonly Language[] = ['zh', 'en'];
export const DEFAULT_LANGUAGE: Language = 'zh';

/** The value of `<html lang>` for a language. */
export const HTML_LANG: Readonly<Record<Language, string>> = { zh: 'zh-CN', en: 'en' };

const zh = {
  // Shared chrome
  'site.name': '小微企业融资协调服务',
  'site.tagline': '支持小微企业融资协调工作机制',
  'lang.switch': 'English',
  'nav.skip': '跳到主要内容',
  'footer.privacy':
    '您的信息仅用于融资对接。只有在您单独同意后，需求信息才会推送给服务本地区的银行；银行表示受理后才能获得企业名称和联系方式。',
  'common.yes': '是',
  'common.no': '否',
  'common.optional': '（选填）',
  'common.chooseOne': '请选择',
  'unit.yuan': '元',
  'unit.people': '人',
  'unit.years': '年',
  'unit.months': '个月',
  'noscript': '本页面需要启用 JavaScript。',

  // Form page
  'form.title': '登记融资需求',
  'form.docTitle': '登记融资需求 – 小微企业融资协调服务',
  'form.intro':
    '填写企业基本情况和融资需求。提交后，县级工作专班会进行初步核查，符合条件的需求将推送给服务本地区的银行。标 * 的为必填项。',
  'form.required': '*',
  'form.section.enterprise': '企业信息',
  'form.section.location': '注册所在地',
  'form.section.industry': '所属行业',
  'form.section.contact': '联系人',
  'form.section.need': '融资需求',
  'form.section.consent': '信息共享授权',

  'field.enterprise.name': '企业（经营主体）名称',
  'hint.enterprise.name': '与营业执照上的名称一致',
  'field.enterprise.creditCode': '统一社会信用代码',
  'hint.enterprise.creditCode': '18 位，见营业执照，例如 9133010652601815X8',
  'field.enterprise.entityType': '主体类型',
  'field.enterprise.province': '省（自治区、直辖市）',
  'field.enterprise.prefecture': '市（地区、州）',
  'field.enterprise.countyCode': '县（区、县级市）',
  'hint.location': '选择营业执照登记机关所在的县级行政区',
  'choose.province': '请选择省份',
  'choose.prefecture': '请选择市',
  'choose.county': '请选择县（区）',
  'choose.provinceFirst': '请先选择省份',
  'choose.prefectureFirst': '请先选择市',
  'field.enterprise.industrySection': '行业门类',
  'field.enterprise.industryCode': '行业大类',
  'choose.section': '请选择门类',
  'choose.industry': '请选择行业',
  'choose.sectionFirst': '请先选择门类',
  'hint.industry': '按《国民经济行业分类》（GB/T 4754-2017）选择主营业务所属行业',
  'field.enterprise.employees': '从业人员数（人）',
  'hint.enterprise.employees': '期末从业人员人数，整数',
  'field.enterprise.annualRevenueYuan': '上年营业收入（元）',
  'hint.enterprise.annualRevenueYuan': '单位：元，填写整数，例如 3000000',
  'field.enterprise.totalAssetsYuan': '资产总额（元）',
  'hint.enterprise.totalAssetsYuan': '单位：元，填写整数',
  'field.enterprise.yearsInOperation': '经营年限（年）',
  'hint.enterprise.yearsInOperation': '自成立至今的整年数，不满一年填 0',
  'field.enterprise.hasFixedPremises': '是否有固定经营场所',

  'field.contact.name': '联系人姓名',
  'field.contact.mobile': '联系人手机号码',
  'hint.contact.mobile': '中国大陆手机号码，11 位',

  'field.need.amountYuan': '融资金额（元）',
  'hint.need.amountYuan': '单位：元，填写整数，1,000 元至 5 亿元，例如 500000',
  'field.need.termMonths': '融资期限（月）',
  'hint.need.termMonths': '1 至 360 个月，例如 12',
  'field.need.purpose': '资金用途',
  'field.need.guarantee': '可提供的担保方式',
  'field.need.firstLoan': '是否首次向银行贷款（首贷户）',
  'hint.need.firstLoan': '此前从未在银行获得过贷款的，选“是”',
  'field.need.description': '补充说明',
  'hint.need.description': '最多 1,000 字，例如资金的具体用途、希望的放款时间',

  'consent.versionLabel': '授权书版本：',
  'field.consent.shareWithBanks': '我已阅读上述内容，并单独同意向银行提供本需求信息',

  'form.submit': '提交需求',
  'form.submitting': '正在提交…',
  'form.fixErrors': '请根据提示修改标出的字段。',

  'alert.network.title': '无法连接服务器',
  'alert.network.detail': '请检查网络后再次点击“提交需求”。您填写的内容已保留，重复提交不会产生重复的需求。',
  'alert.server.title': '服务暂时不可用',
  'alert.server.detail': '请稍后再试。您填写的内容已保留。',
  'alert.unexpected.title': '提交未成功',
  'alert.unexpected.detail': '服务器返回了无法识别的响应（状态 {status}）。请稍后再试。',

  'receipt.title': '需求已提交',
  'receipt.intro': '我们已收到您的融资需求，县级工作专班将进行初步核查。',
  'receipt.needId': '需求编号',
  'receipt.sizeClass': '企业规模（按工信部标准测算）',
  'receipt.statusLink': '查看办理进度',
  'receipt.keepLink':
    '请收藏或保存下面的链接：这是查看办理进度的唯一途径，我们无法再次发送。链接中含有查询凭证，请勿转发给他人。',
  'receipt.linkLabel': '进度查询链接',
  'receipt.copy': '复制链接',
  'receipt.copied': '已复制链接',
  'receipt.copyFailed': '无法自动复制，请手动选择链接复制',

  // Status page
  'status.title': '融资需求办理进度',
  'status.docTitle': '办理进度 – 小微企业融资协调服务',
  'status.refresh': '刷新',
  'status.loading': '正在加载…',
  'status.updatedAt': '已于 {time} 更新',
  'status.current': '当前状态',
  'status.needId': '需求编号',
  'status.submittedAt': '提交时间',
  'status.sizeClass': '企业规模',
  'status.enterprise': '企业',
  'status.enterpriseName': '名称',
  'status.county': '所在地',
  'status.industry': '行业',
  'status.need': '融资需求',
  'status.amount': '金额',
  'status.term': '期限',
  'status.purpose': '用途',
  'status.guarantee': '担保方式',
  'status.firstLoan': '首贷户',
  'status.description': '补充说明',
  'status.timeline': '办理记录',
  'status.timelineEmpty': '暂无记录',
  'status.notFound.title': '未找到该需求，或链接不完整',
  'status.notFound.detail':
    '请使用提交需求后回执页面上的完整链接打开本页（链接中 # 之后的部分也必须完整）。如链接已丢失，请联系当地县级工作专班。',
  'status.error.title': '暂时无法获取办理进度',
  'status.error.detail': '请检查网络后点击“刷新”重试。',
  'status.newNeed': '登记新的融资需求',
  'time.chinaSuffix': '（北京时间）',

  // Enumerations
  'entityType.enterprise': '企业',
  'entityType.individual_business': '个体工商户',
  'entityType.farmers_cooperative': '农民专业合作社',
  'entityType.family_farm': '家庭农场',
  'purpose.working_capital': '流动资金周转',
  'purpose.equipment': '购置设备',
  'purpose.expansion': '扩大经营',
  'purpose.technology': '技术改造与研发',
  'purpose.renewal': '贷款到期续贷',
  'purpose.other': '其他',
  'guarantee.credit': '信用（无担保）',
  'guarantee.collateral': '抵押',
  'guarantee.guarantor': '保证（第三方担保）',
  'guarantee.pledge': '质押',
  'guarantee.any': '均可',
  'size.large': '大型企业',
  'size.medium': '中型企业',
  'size.small': '小型企业',
  'size.micro': '微型企业',
  'need.submitted': '已提交',
  'need.screening': '初步核查中',
  'need.not_recommended': '未列入推荐清单',
  'need.recommended': '已列入推荐清单',
  'need.offered': '已推送银行',
  'need.accepted': '银行已受理',
  'need.granted': '已获授信',
  'need.disbursed': '已放款',
  'need.unmatched': '暂未匹配到银行',
  'needHelp.submitted': '需求已登记，等待县级工作专班核查。',
  'needHelp.screening': '县级工作专班正在按五项标准进行核查。',
  'needHelp.not_recommended': '本次未列入推荐清单。如有疑问，可联系当地县级工作专班了解原因和改进办法。',
  'needHelp.recommended': '已列入推荐清单，正在匹配服务本地区的银行。',
  'needHelp.offered': '需求已推送给银行，等待银行回应。',
  'needHelp.accepted': '银行已受理，将通过您留下的手机号码与您联系。',
  'needHelp.granted': '银行已给予授信。',
  'needHelp.disbursed': '贷款已发放。',
  'needHelp.unmatched': '暂时没有银行受理。县级工作专班会跟进，您也可以联系专班咨询。',
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  'site.name': 'Small business financing service',
  'site.tagline': 'Small and micro enterprise financing coordination mechanism',
  'lang.switch': '中文',
  'nav.skip': 'Skip to main content',
  'footer.privacy':
    'Your information is used only to find financing. The need reaches banks serving your area only with your separate consent; a bank receives your name and contact details only after it accepts the referral.',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.optional': '(optional)',
  'common.chooseOne': 'Choose',
  'unit.yuan': 'yuan',
  'unit.people': 'people',
  'unit.years': 'years',
  'unit.months': 'months',
  'noscript': 'This page needs JavaScript.',

  'form.title': 'Declare a financing need',
  'form.docTitle': 'Declare a financing need – Small business financing service',
  'form.intro':
    'Tell us about your enterprise and the financing it needs. The county task force checks each need first; needs that qualify are sent to banks serving your area. Fields marked * are required.',
  'form.required': '*',
  'form.section.enterprise': 'Enterprise',
  'form.section.location': 'Place of registration',
  'form.section.industry': 'Industry',
  'form.section.contact': 'Contact person',
  'form.section.need': 'Financing need',
  'form.section.consent': 'Consent to share information',

  'field.enterprise.name': 'Name of the enterprise (business)',
  'hint.enterprise.name': 'As on the business licence',
  'field.enterprise.creditCode': 'Unified social credit code',
  'hint.enterprise.creditCode': '18 characters, on the business licence, e.g. 9133010652601815X8',
  'field.enterprise.entityType': 'Type of entity',
  'field.enterprise.province': 'Province',
  'field.enterprise.prefecture': 'City (prefecture)',
  'field.enterprise.countyCode': 'County or district',
  'hint.location': 'The county-level division where the business licence was registered',
  'choose.province': 'Choose a province',
  'choose.prefecture': 'Choose a city',
  'choose.county': 'Choose a county',
  'choose.provinceFirst': 'Province first',
  'choose.prefectureFirst': 'City first',
  'field.enterprise.industrySection': 'Industry section',
  'field.enterprise.industryCode': 'Industry division',
  'choose.section': 'Choose a section',
  'choose.industry': 'Choose an industry',
  'choose.sectionFirst': 'Section first',
  'hint.industry': 'The industry of your main business (GB/T 4754-2017 classification)',
  'field.enterprise.employees': 'Employees (people)',
  'hint.enterprise.employees': 'Number of people employed, a whole number',
  'field.enterprise.annualRevenueYuan': "Last year's revenue (yuan)",
  'hint.enterprise.annualRevenueYuan': 'In yuan, a whole number, e.g. 3000000',
  'field.enterprise.totalAssetsYuan': 'Total assets (yuan)',
  'hint.enterprise.totalAssetsYuan': 'In yuan, a whole number',
  'field.enterprise.yearsInOperation': 'Years in operation',
  'hint.enterprise.yearsInOperation': 'Whole years since it was set up; 0 if less than a year',
  'field.enterprise.hasFixedPremises': 'Does the business have fixed premises?',

  'field.contact.name': "Contact person's name",
  'field.contact.mobile': "Contact person's mobile number",
  'hint.contact.mobile': 'Mainland China mobile number, 11 digits',

  'field.need.amountYuan': 'Amount needed (yuan)',
  'hint.need.amountYuan': 'In yuan, a whole number from 1,000 to 500,000,000, e.g. 500000',
  'field.need.termMonths': 'Term (months)',
  'hint.need.termMonths': '1 to 360 months, e.g. 12',
  'field.need.purpose': 'Purpose of the money',
  'field.need.guarantee': 'Security you can offer',
  'field.need.firstLoan': 'Is this your first bank loan?',
  'hint.need.firstLoan': 'Choose "Yes" if the business has never had a bank loan',
  'field.need.description': 'Anything else banks should know',
  'hint.need.description': 'Up to 1,000 characters, e.g. what exactly the money is for, when you need it',

  'consent.versionLabel': 'Consent text version: ',
  'field.consent.shareWithBanks': 'I have read the text above and separately consent to sharing this need with banks',

  'form.submit': 'Submit the need',
  'form.submitting': 'Submitting…',
  'form.fixErrors': 'Correct the fields marked below.',

  'alert.network.title': 'Could not reach the server',
  'alert.network.detail':
    'Check your connection and press "Submit the need" again. Your answers are kept, and submitting again will not create a duplicate need.',
  'alert.server.title': 'The service is temporarily unavailable',
  'alert.server.detail': 'Please try again later. Your answers are kept.',
  'alert.unexpected.title': 'The need was not submitted',
  'alert.unexpected.detail': 'The server sent an unexpected response (status {status}). Please try again later.',

  'receipt.title': 'Need submitted',
  'receipt.intro': 'We have received your financing need. The county task force will check it first.',
  'receipt.needId': 'Need number',
  'receipt.sizeClass': 'Enterprise size (by the national standard)',
  'receipt.statusLink': 'Follow the progress',
  'receipt.keepLink':
    'Bookmark or save the link below: it is the only way to see the progress, and we cannot send it again. It contains your access code, so do not pass it on.',
  'receipt.linkLabel': 'Progress link',
  'receipt.copy': 'Copy link',
  'receipt.copied': 'Link copied',
  'receipt.copyFailed': 'Could not copy automatically; select the link and copy it',

  'status.title': 'Progress of your financing need',
  'status.docTitle': 'Progress – Small business financing service',
  'status.refresh': 'Refresh',
  'status.loading': 'Loading…',
  'status.updatedAt': 'Updated at {time}',
  'status.current': 'Current status',
  'status.needId': 'Need number',
  'status.submittedAt': 'Submitted',
  'status.sizeClass': 'Enterprise size',
  'status.enterprise': 'Enterprise',
  'status.enterpriseName': 'Name',
  'status.county': 'Location',
  'status.industry': 'Industry',
  'status.need': 'Financing need',
  'status.amount': 'Amount',
  'status.term': 'Term',
  'status.purpose': 'Purpose',
  'status.guarantee': 'Security',
  'status.firstLoan': 'First bank loan',
  'status.description': 'Further details',
  'status.timeline': 'History',
  'status.timelineEmpty': 'Nothing recorded yet',
  'status.notFound.title': 'Need not found, or the link is incomplete',
  'status.notFound.detail':
    'Open this page with the complete link from the receipt you saw after submitting (including everything after the #). If you have lost the link, contact your county task force.',
  'status.error.title': 'The progress cannot be shown right now',
  'status.error.detail': 'Check your connection and press "Refresh" to try again.',
  'status.newNeed': 'Declare a new financing need',
  'time.chinaSuffix': ' (China time)',

  'entityType.enterprise': 'Enterprise',
  'entityType.individual_business': 'Individual business',
  'entityType.farmers_cooperative': "Farmers' cooperative",
  'entityType.family_farm': 'Family farm',
  'purpose.working_capital': 'Working capital',
  'purpose.equipment': 'Equipment',
  'purpose.expansion': 'Expanding the business',
  'purpose.technology': 'Technology upgrade, R&D',
  'purpose.renewal': 'Renewing a loan that falls due',
  'purpose.other': 'Other',
  'guarantee.credit': 'None (unsecured credit loan)',
  'guarantee.collateral': 'Collateral (mortgage)',
  'guarantee.guarantor': 'Guarantor',
  'guarantee.pledge': 'Pledge',
  'guarantee.any': 'Any',
  'size.large': 'Large enterprise',
  'size.medium': 'Medium enterprise',
  'size.small': 'Small enterprise',
  'size.micro': 'Micro enterprise',
  'need.submitted': 'Submitted',
  'need.screening': 'Being checked',
  'need.not_recommended': 'Not recommended',
  'need.recommended': 'Recommended to banks',
  'need.offered': 'Sent to a bank',
  'need.accepted': 'Accepted by a bank',
  'need.granted': 'Credit granted',
  'need.disbursed': 'Loan paid out',
  'need.unmatched': 'No bank matched yet',
  'needHelp.submitted': 'The need is recorded and waits for the county task force to check it.',
  'needHelp.screening': 'The county task force is checking the need against the five criteria.',
  'needHelp.not_recommended':
    'The need was not put on the recommendation list this time. Your county task force can tell you why and what could change that.',
  'needHelp.recommended': 'The need is on the recommendation list; banks serving your area are being matched.',
  'needHelp.offered': 'The need was sent to a bank, which has yet to answer.',
  'needHelp.accepted': 'A bank accepted the need and will call the mobile number you gave.',
  'needHelp.granted': 'A bank granted credit.',
  'needHelp.disbursed': 'The loan has been paid out.',
  'needHelp.unmatched': 'No bank has taken the need up yet. The county task force follows up; you can also ask them.',
};

export const MESSAGES: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = { zh, en };

export function isLanguage(value: unknown): value is Language {
  return value === 'zh' || value === 'en';
}

export function isMessageKey(value: string): value is MessageKey {
  return Object.hasOwn(zh, value);
}

/** The text for a key, with `{name}` placeholders filled in. */
export function t(language: Language, key: MessageKey, params: Readonly<Record<string, string | number>> = {}): string {
  return MESSAGES[language][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

export const entityTypeKey = (value: EntityType): MessageKey => `entityType.${value}`;
export const purposeKey = (value: Purpose): MessageKey => `purpose.${value}`;
export const guaranteeKey = (value: Guarantee): MessageKey => `guarantee.${value}`;
export const sizeClassKey = (value: SizeClass): MessageKey => `size.${value}`;
export const needStatusKey = (value: NeedStatus): MessageKey => `need.${value}`;
export const needStatusHelpKey = (value: NeedStatus): MessageKey => `needHelp.${value}`;

/** The language to start with: a remembered choice, else Chinese. */
export function initialLanguage(stored: string | null | undefined): Language {
  return isLanguage(stored) ? stored : DEFAULT_LANGUAGE;
}

export function otherLanguage(language: Language): Language {
  return language === 'zh' ? 'en' : 'zh';
}
