// Finding an industry by everyday words: an owner knows they run a noodle shop (面馆), not that it is
// GB/T 4754-2017 division H62 餐饮业. A maintained keyword table maps the words people use to the
// selectable codes of industry.ts (tested: every code selectable, every word found); a search also
// matches the official names and the codes themselves. Sections no small enterprise belongs to
// (S public administration and party organs, T international organisations) are hidden from the
// picker; finance (J) is explained where it is offered.
import { findIndustry, INDUSTRIES, INDUSTRY_SECTIONS, type Industry, type IndustrySection, type SectionLetter } from './industry';
import { toHalfWidth } from './text';

/** Sections the picker does not offer: no small enterprise, individual business, cooperative or family farm belongs there. */
export const HIDDEN_SECTIONS: ReadonlySet<SectionLetter> = new Set(['S', 'T']);

/** The sections the picker offers, in order. */
export function pickerSections(): readonly IndustrySection[] {
  return INDUSTRY_SECTIONS.filter((section) => !HIDDEN_SECTIONS.has(section.letter));
}

/** What the picker says when finance (J) is chosen. */
export const FINANCE_NOTE = {
  zh: '金融业只适用于小额贷款公司、融资担保公司、典当行等地方金融组织。一般企业请按主营业务选择行业，例如开店选“零售业”。',
  en: 'Finance applies only to local financial organisations such as microcredit companies, financing guarantee companies and pawnshops. Other businesses choose by their main activity, e.g. a shop is "Retail trade".',
} as const;

/** Everyday words for the activities small businesses most often run, by selectable code. */
export const INDUSTRY_KEYWORDS: readonly { code: string; zh: readonly string[]; en: readonly string[] }[] = [
  { code: 'H62', zh: ['面馆', '餐馆', '饭店', '小吃', '快餐', '奶茶', '咖啡', '烧烤', '火锅', '早餐', '外卖', '农家乐', '食堂'], en: ['noodle shop', 'restaurant', 'snack bar', 'fast food', 'bubble tea', 'cafe', 'coffee shop', 'barbecue', 'hot pot', 'takeaway', 'canteen'] },
  { code: 'H61', zh: ['民宿', '旅馆', '宾馆', '酒店', '客栈', '招待所'], en: ['guesthouse', 'homestay', 'hotel', 'inn', 'hostel', 'b&b'] },
  { code: 'F52', zh: ['网店', '电商', '淘宝店', '直播带货', '小卖部', '便利店', '超市', '杂货店', '水果店', '服装店', '药店', '母婴店', '零售'], en: ['online shop', 'e-commerce', 'live streaming sales', 'corner shop', 'convenience store', 'supermarket', 'grocery', 'fruit shop', 'clothes shop', 'pharmacy', 'retail'] },
  { code: 'F51', zh: ['批发', '批发部', '经销商', '代理商', '贸易公司', '外贸'], en: ['wholesale', 'distributor', 'trading company', 'export trade'] },
  { code: 'A03', zh: ['养猪', '养鸡', '养鸭', '养牛', '养羊', '养殖场', '畜牧', '蛋鸡'], en: ['pig farm', 'poultry farm', 'chicken farm', 'cattle', 'sheep farm', 'livestock'] },
  { code: 'A01', zh: ['种植', '种菜', '蔬菜大棚', '果园', '茶园', '种粮', '苗木', '花卉', '中药材种植'], en: ['crop farming', 'vegetable growing', 'greenhouse', 'orchard', 'tea garden', 'grain farming', 'nursery', 'flower growing'] },
  { code: 'A04', zh: ['养鱼', '鱼塘', '水产养殖', '养虾', '捕捞'], en: ['fish farm', 'fish pond', 'aquaculture', 'shrimp farm', 'fishing'] },
  { code: 'A02', zh: ['林场', '造林', '林木'], en: ['forestry', 'tree planting'] },
  { code: 'A05', zh: ['农机服务', '植保', '代耕', '农技服务'], en: ['farm machinery services', 'crop protection services'] },
  { code: 'O81', zh: ['汽修', '修车', '汽车维修', '汽车美容', '修手机', '家电维修', '电动车维修'], en: ['car repair', 'garage', 'auto repair', 'car wash', 'phone repair', 'appliance repair'] },
  { code: 'O80', zh: ['理发', '美发', '美容', '美甲', '家政', '保洁', '月嫂', '洗衣', '干洗', '摄影', '婚庆', '宠物店', '足浴'], en: ['barber', 'hairdresser', 'beauty salon', 'nail salon', 'housekeeping', 'cleaning', 'laundry', 'dry cleaning', 'photo studio', 'wedding services', 'pet shop'] },
  { code: 'C14', zh: ['糕点', '面包', '饼干', '糖果', '调味品', '酱油', '食品厂'], en: ['bakery', 'bread', 'biscuits', 'confectionery', 'condiments', 'food factory'] },
  { code: 'C13', zh: ['粮油加工', '碾米', '磨粉', '屠宰', '肉制品加工', '豆腐', '饲料'], en: ['rice milling', 'flour milling', 'slaughterhouse', 'meat processing', 'tofu', 'animal feed'] },
  { code: 'C18', zh: ['服装厂', '制衣', '成衣', '服装加工'], en: ['garment factory', 'clothing manufacture', 'tailoring workshop'] },
  { code: 'C21', zh: ['家具厂', '木工', '家具加工'], en: ['furniture factory', 'carpentry workshop'] },
  { code: 'C23', zh: ['印刷', '印刷厂', '包装印刷'], en: ['printing', 'print shop'] },
  { code: 'C30', zh: ['建材', '水泥制品', '砖厂', '石材', '玻璃制品'], en: ['building materials', 'cement products', 'brickworks', 'stone products'] },
  { code: 'C33', zh: ['五金加工', '金属加工', '钣金', '门窗'], en: ['metalwork', 'hardware manufacture', 'sheet metal', 'metal doors and windows'] },
  { code: 'C39', zh: ['电子厂', '电子元件', '电路板'], en: ['electronics factory', 'electronic components', 'circuit boards'] },
  { code: 'E50', zh: ['装修', '装潢', '家装', '室内装饰'], en: ['renovation', 'interior decoration', 'home improvement'] },
  { code: 'G54', zh: ['货运', '物流', '运输', '搬家', '出租车', '网约车', '客运'], en: ['freight', 'logistics', 'trucking', 'removals', 'taxi', 'ride hailing', 'bus company'] },
  { code: 'G60', zh: ['快递', '快递站', '驿站', '同城配送'], en: ['courier', 'express delivery', 'parcel station'] },
  { code: 'G592', zh: ['仓储', '仓库'], en: ['warehousing', 'warehouse'] },
  { code: 'G593', zh: ['冷库', '冷链仓储'], en: ['cold storage', 'cold chain'] },
  { code: 'I65', zh: ['软件', '小程序开发', '网站建设', 'APP开发', '信息技术服务'], en: ['software', 'app development', 'web design', 'it services'] },
  { code: 'L72', zh: ['广告', '广告公司', '会展', '咨询公司', '中介', '劳务派遣', '物业代理'], en: ['advertising', 'exhibition services', 'consultancy', 'agency', 'staffing agency'] },
  { code: 'K702', zh: ['物业管理', '物业公司'], en: ['property management'] },
  { code: 'P83', zh: ['培训', '辅导班', '培训机构', '驾校', '托育', '幼儿园'], en: ['training', 'tutoring', 'driving school', 'childcare', 'kindergarten'] },
  { code: 'Q84', zh: ['诊所', '门诊', '卫生室', '口腔诊所', '中医馆'], en: ['clinic', 'dental clinic', 'chinese medicine clinic'] },
  { code: 'R89', zh: ['健身房', '瑜伽馆', '球馆', '游泳馆'], en: ['gym', 'yoga studio', 'sports hall', 'swimming pool'] },
  { code: 'R90', zh: ['网吧', '游乐场', 'KTV', '剧本杀', '密室逃脱'], en: ['internet cafe', 'amusement park', 'karaoke', 'escape room'] },
  { code: 'M75', zh: ['科技服务', '技术推广', '检测'], en: ['technology services', 'testing services'] },
];

export interface IndustryMatch {
  industry: Industry;
  /** What matched: a keyword in the query's language, the official name, or the code. */
  matched: string;
}

const normalize = (text: string) => toHalfWidth(text).trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * The selectable industries a query finds, best first (at most `limit`): an everyday word equal to
 * the query, then words containing it or contained in it, then official names containing it, then
 * codes starting with it. Hidden sections are never offered.
 */
export function searchIndustries(query: string, limit = 8): IndustryMatch[] {
  const q = normalize(query);
  if (q === '') return [];
  const scored = new Map<string, { score: number; matched: string }>();
  const offer = (code: string, score: number, matched: string) => {
    const industry = findIndustry(code);
    if (!industry || HIDDEN_SECTIONS.has(industry.section)) return;
    const known = scored.get(industry.code);
    if (!known || score < known.score) scored.set(industry.code, { score, matched });
  };
  for (const entry of INDUSTRY_KEYWORDS) {
    for (const word of [...entry.zh, ...entry.en]) {
      const w = normalize(word);
      if (w === q) offer(entry.code, 0, word);
      else if (w.includes(q) || (q.length >= 2 && q.includes(w))) offer(entry.code, 1, word);
    }
  }
  for (const industry of INDUSTRIES) {
    if (normalize(industry.nameZh).includes(q)) offer(industry.code, 2, industry.nameZh);
    else if (normalize(industry.nameEn).includes(q)) offer(industry.code, 2, industry.nameEn);
    else if (industry.code.toLowerCase().startsWith(q)) offer(industry.code, 3, industry.code);
  }
  return [...scored]
    .sort(([codeA, a], [codeB, b]) => a.score - b.score || codeA.localeCompare(codeB))
    .slice(0, limit)
    .map(([code, { matched }]) => ({ industry: findIndustry(code)!, matched }));
}
