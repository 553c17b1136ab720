// The pages' script budget (issue 9), on a fresh build: what a browser downloads before the form or
// the status page can run, Brotli-compressed as CloudFront serves it (web/budget.ts). Sizes are
// deterministic, so CI keeps the budget; bench/lighthouse.bench.ts measures the pages themselves.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageScriptSizes, SCRIPT_BUDGET_BYTES, type ScriptSize } from '../../web/budget';
import { buildWebSync } from '../../web/build';

let dir: string;
let sizes: ScriptSize[];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'smefin-web-budget-'));
  sizes = pageScriptSizes(dir, buildWebSync(dir));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('page scripts', () => {
  it('budget the form (60 KB) and the status page (25 KB), Brotli', () => {
    expect(SCRIPT_BUDGET_BYTES).toEqual({ 'form.page.js': 60 * 1024, 'status.page.js': 25 * 1024 });
    expect(sizes.map((s) => s.file)).toEqual(Object.keys(SCRIPT_BUDGET_BYTES));
  });

  it.each(Object.entries(SCRIPT_BUDGET_BYTES))('%s is within %i bytes of Brotli', (file, budget) => {
    const size = sizes.find((s) => s.file === file)!;
    expect(size.files).toContain(file);
    expect(size.brotli, `${file}: ${size.raw} raw, ${size.gzip} gzip, ${size.brotli} brotli`).toBeLessThanOrEqual(budget);
  });

  it('carry no division names: the form and the status page fetch one province when they need it', () => {
    for (const file of Object.keys(SCRIPT_BUDGET_BYTES)) {
      const code = readFileSync(path.join(dir, file), 'utf8');
      expect(code, file).not.toContain('西湖区');
      expect(code, file).not.toContain('Xihu District');
    }
    const zhejiang = JSON.parse(readFileSync(path.join(dir, 'divisions', '33.json'), 'utf8')) as { name: string };
    expect(zhejiang.name).toBe('浙江省');
  });

  it("carry none of zod's locales; the status page carries no zod at all", () => {
    for (const file of Object.keys(SCRIPT_BUDGET_BYTES)) expect(readFileSync(path.join(dir, file), 'utf8'), file).not.toContain('Ongeldige invoer');
    expect(readFileSync(path.join(dir, 'status.page.js'), 'utf8')).not.toContain('ZodError');
  });
});
