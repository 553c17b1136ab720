// Builds the web pages into an output folder: static files from web/public with the default
// language's text put in (prerendered from web/src/i18n.ts, so nothing shifts once the script
// runs), web/src/*.page.ts bundled by esbuild (the form shares the need schema and the industry
// data with the server), and one division file per province (divisions/33.json: names in Chinese
// and English), which the pages fetch only when they need it (web/src/division-data.ts).
// Used by the CDK stack (asset bundling at synth), by the local runtime, and by `npm run build:web`.
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync, type Metafile } from 'esbuild';
import { divisionPicker } from '../shared/domain/divisions';
import { divisionNameEn } from '../shared/domain/division-names-en';
import { DEFAULT_LANGUAGE, isMessageKey, t } from './src/i18n';
import { provinceFilePath, type ProvinceNames } from './src/division-data';

const WEB_ROOT = import.meta.dirname;

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function nameEn(code: string): string {
  const name = divisionNameEn(code);
  if (name === undefined) throw new Error(`no English name for division ${code} (run scripts/division-names-en.ts)`);
  return name;
}

/** Every province's names as its division file holds them. */
export function provinceFiles(): ProvinceNames[] {
  return divisionPicker().map((province) => ({
    code: province.code,
    name: province.name,
    nameEn: province.nameEn,
    prefectures: province.prefectures.map((group) => ({
      code: group.code,
      name: group.name,
      nameEn: nameEn(group.code),
      counties: group.counties.map((county) => ({ code: county.code, name: county.name, nameEn: nameEn(county.code) })),
    })),
  }));
}

/**
 * The page with the default language's text in it: the content of every leaf element marked
 * `data-i18n="key"` and the aria-label of every `data-i18n-label="key"` (what language.ts sets at
 * run time), and the province options of a `<select data-prerender="provinces">`.
 */
export function prerenderHtml(html: string): string {
  const text = (key: string): string | undefined => (isMessageKey(key) ? escapeHtml(t(DEFAULT_LANGUAGE, key)) : undefined);
  return html
    .replace(/<([a-z][a-z0-9]*)(\s[^>]*?\bdata-i18n="([^"]+)"[^>]*)>[^<]*<\/\1>/g, (whole, tag: string, attributes: string, key: string) => {
      const content = text(key);
      return content === undefined ? whole : `<${tag}${attributes}>${content}</${tag}>`;
    })
    .replace(/<([a-z][a-z0-9]*)(\s[^>]*?\bdata-i18n-label="([^"]+)"[^>]*)>/g, (whole, tag: string, attributes: string, key: string) => {
      const label = text(key);
      return label === undefined ? whole : `<${tag}${attributes.replace(/\saria-label="[^"]*"/, '')} aria-label="${label}">`;
    })
    .replace(/(<select\b[^>]*\bdata-prerender="provinces"[^>]*>)[\s\S]*?(<\/select>)/g, (_, open: string, close: string) => {
      const options = divisionPicker().map((p) => `<option value="${p.code}" data-name-en="${escapeHtml(p.nameEn)}">${escapeHtml(p.name)}</option>`);
      return `${open}<option value="">${escapeHtml(t(DEFAULT_LANGUAGE, 'choose.province'))}</option>${options.join('')}${close}`;
    });
}

/** Builds the pages into outDir; returns esbuild's metafile (what each output imports: web/budget.ts). */
export function buildWebSync(outDir: string): Metafile {
  mkdirSync(outDir, { recursive: true });
  cpSync(path.join(WEB_ROOT, 'public'), outDir, { recursive: true });
  for (const file of readdirSync(outDir).filter((f) => f.endsWith('.html'))) {
    const page = path.join(outDir, file);
    writeFileSync(page, prerenderHtml(readFileSync(page, 'utf8')));
  }
  mkdirSync(path.join(outDir, 'divisions'), { recursive: true });
  for (const province of provinceFiles()) writeFileSync(path.join(outDir, provinceFilePath(province.code)), JSON.stringify(province));
  const entryPoints = readdirSync(path.join(WEB_ROOT, 'src'))
    .filter((file) => file.endsWith('.page.ts'))
    .map((file) => path.join(WEB_ROOT, 'src', file));
  const result = buildSync({
    entryPoints,
    outdir: outDir,
    entryNames: '[name]',
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'esm',
    target: ['es2022'],
    platform: 'browser',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  return result.metafile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const outDir = path.join(WEB_ROOT, 'dist');
  buildWebSync(outDir);
  console.log(`web built into ${outDir}`);
}
