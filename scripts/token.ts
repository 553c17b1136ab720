// `npm run token -- --jurisdiction 440000 --role regulator`: a regulator's token from the local issuer
// (the keys `npm start` keeps in SMEFIN_DATA_DIR), for the report API and the regulator page.
import { parseArgs } from 'node:util';
import { findDivision } from '../shared/domain/divisions';
import { defaultDataDir } from '../local/runtime-info';
import { loadOrCreateKeys, mintToken } from '../local/jwt-issuer';

const { values } = parseArgs({
  options: {
    jurisdiction: { type: 'string' },
    role: { type: 'string', default: 'regulator' },
    subject: { type: 'string' },
    'expires-in': { type: 'string', default: '3600' },
  },
});
const jurisdiction = values.jurisdiction ?? '';
if (!findDivision(jurisdiction)) {
  console.error('give --jurisdiction: a division code (000000 national, 440000 a province, 440100 a prefecture, 440106 a county)');
  process.exit(2);
}
const keys = await loadOrCreateKeys(defaultDataDir());
console.log(
  await mintToken(keys, {
    jurisdiction,
    role: values.role,
    ...(values.subject ? { subject: values.subject } : {}),
    expiresInSeconds: Number(values['expires-in']),
  }),
);
