// GET /v1/counties/{countyCode}/banks — the banks serving a county, names only: the recipients the
// form's consent text names (PIPL art. 23). Public; cached briefly by browsers and proxies.
import { normalizeCountyCode } from '../../shared/domain/divisions';
import { MESSAGES } from '../../shared/domain/validation-messages';
import type { CountyBanksResponse } from '../../shared/domain/consent-recipients';
import { invalidParameter, json, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { withObservability } from '../../shared/adapters/observability';
import { servingBanks } from '../../shared/adapters/serving-banks';

const banksOf = servingBanks();

/** A bank joining or leaving shows within this many seconds. */
export const COUNTY_BANKS_MAX_AGE_SECONDS = 300;

async function countyBanksHandler(event: HttpEvent): Promise<HttpResult> {
  const countyCode = normalizeCountyCode(event.pathParameters?.countyCode ?? '');
  if (!countyCode) {
    return invalidParameter(
      event,
      { zh: '区县代码无效', en: 'Unknown county code' },
      'county_code.unknown',
      MESSAGES['county_code.unknown'],
    );
  }
  const body: CountyBanksResponse = { countyCode, banks: await banksOf(countyCode) };
  return json(200, body, { 'Cache-Control': `public, max-age=${COUNTY_BANKS_MAX_AGE_SECONDS}` });
}

export const handler = withObservability(countyBanksHandler);
