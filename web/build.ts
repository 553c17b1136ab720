// Builds the web pages into an output folder: static files from web/public, and web/src/*.ts bundled
// by esbuild (the form shares the need schema and the division/industry data with the server).
// Used by the CDK stack (asset bundling at synth), by the local runtime, and by `npm run build:web`.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync, type Metafile } from 'esbuild';

const WEB_ROOT = import.meta.dirname;

/** Builds the pages into outDir; returns esbuild's metafile (what each output imports: web/budget.ts). */
export function buildWebSync(outDir: string): Metafile {
  mkdirSync(outDir, { recursive: true });
  cpSync(path.join(WEB_ROOT, 'public'), outDir, { recursive: true });
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
