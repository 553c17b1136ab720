// `npm run demo`: submits a few sample needs through the public API of a running `npm start`
// (found through PORT, default 3000), and prints their status links.
import { randomInt } from 'node:crypto';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter } from '../shared/domain/credit-code';
import { CURRENT_CONSENT_VERSION } from '../shared/domain/consent';
import type { NeedSubmission } from '../shared/domain/need';

const baseUrl = `http://localhost:${process.env.PORT ?? 3000}`;

function creditCode(division: string, entity: '1' | '2' | '3'): string {
  let body = `9${entity}${division}`;
  for (let i = 0; i < 9; i++) body += CREDIT_CODE_ALPHABET[randomInt(CREDIT_CODE_ALPHABET.length)];
  return body + creditCodeCheckCharacter(body);
}

const samples: { name: string; county: string; industry: string; entity: NeedSubmission['enterprise']['entityType']; staff: number; revenue: number; amount: number }[] = [
  { name: '杭州西湖食品有限公司', county: '330106', industry: 'C14', entity: 'enterprise', staff: 25, revenue: 4_000_000, amount: 500_000 },
  { name: '东莞长安五金加工厂', county: '441900', industry: 'C33', entity: 'enterprise', staff: 12, revenue: 2_500_000, amount: 300_000 },
  { name: '琼海市博鳌渔业专业合作社', county: '469002', industry: 'A04', entity: 'farmers_cooperative', staff: 8, revenue: 900_000, amount: 200_000 },
  { name: '成都武侯区小王便利店', county: '510107', industry: 'F52', entity: 'individual_business', staff: 3, revenue: 600_000, amount: 50_000 },
];

/** The banks serving the county, which the consent names (as the form shows them). */
async function servingBankIds(countyCode: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/v1/counties/${countyCode}/banks`).catch(() => {
    console.error(`cannot reach ${baseUrl}: is \`npm start\` running (same PORT)?`);
    process.exit(1);
  });
  return ((await response.json()) as { banks: { bankId: string }[] }).banks.map((bank) => bank.bankId);
}

for (const sample of samples) {
  const body: NeedSubmission = {
    enterprise: {
      name: sample.name,
      creditCode: creditCode(sample.county, sample.entity === 'individual_business' ? '2' : sample.entity === 'farmers_cooperative' ? '3' : '1'),
      entityType: sample.entity,
      countyCode: sample.county,
      industryCode: sample.industry,
      employees: sample.staff,
      annualRevenueYuan: sample.revenue,
      totalAssetsYuan: Math.round(sample.revenue * 0.8),
      yearsInOperation: 4,
      hasFixedPremises: true,
    },
    contact: { name: '张经理', mobile: `139${String(randomInt(10_000_000, 99_999_999))}` },
    need: { amountYuan: sample.amount, termMonths: 12, purpose: 'working_capital', guarantee: 'any', firstLoan: false },
    consent: { shareWithBanks: true, textVersion: CURRENT_CONSENT_VERSION, bankIds: await servingBankIds(sample.county) },
  };
  const response = await fetch(`${baseUrl}/v1/needs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
    body: JSON.stringify(body),
  }).catch(() => {
    console.error(`cannot reach ${baseUrl}: is \`npm start\` running (same PORT)?`);
    process.exit(1);
  });
  const answer = (await response.json()) as { needId?: string; sizeClass?: string; statusUrl?: string; title?: string };
  if (response.status === 201) console.log(`${sample.name}: ${answer.sizeClass} → ${answer.statusUrl}`);
  else console.log(`${sample.name}: ${response.status} ${answer.title ?? ''}`);
}
