// Writes shared/openapi.json from the zod schemas (`npm run openapi`). A unit test fails when the
// committed file and the schemas disagree.
import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../shared/domain/openapi';

const target = new URL('../shared/openapi.json', import.meta.url);
writeFileSync(target, JSON.stringify(buildOpenApiDocument(), null, 2) + '\n');
console.log(`wrote ${target.pathname}`);
