// `npm run rollup -- --period 2026-11 [--period 2026-11-29 …]`: runs the roll-up now, on the running
// `npm start` (found through SMEFIN_DATA_DIR / PORT), exactly as the 01:00 schedule does. Without
// --period: the scheduled periods.
import { parseArgs } from 'node:util';
import { isPeriodId } from '../shared/domain/report';
import { defaultDataDir, readRuntimeInfo } from '../local/runtime-info';

const { values } = parseArgs({ options: { period: { type: 'string', multiple: true } } });
const periods = values.period ?? [];
const bad = periods.filter((p) => !isPeriodId(p));
if (bad.length > 0) {
  console.error(`not a period: ${bad.join(', ')} (use YYYY-MM, YYYY-MM-DD or YYYY-MM-mtd-DD)`);
  process.exit(2);
}
const info = readRuntimeInfo(defaultDataDir());
const apiUrl = info?.apiUrl ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const response = await fetch(`${apiUrl}/_local/functions/rollup-coverage/invoke`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(periods.length > 0 ? { periods } : { source: 'manual' }),
}).catch(() => undefined);
if (!response?.ok) {
  console.error(`cannot reach the running system at ${apiUrl}: start it with \`npm start\` (same PORT and SMEFIN_DATA_DIR)`);
  process.exit(1);
}
const { results } = (await response.json()) as { results: { period: string; reports: number; files: number; itemsRead: number }[] };
for (const r of results) console.log(`${r.period}: ${r.reports} reports, ${r.files} files, ${r.itemsRead} counter items read`);
