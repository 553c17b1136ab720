// The pages' script budget (issue 9): what a browser downloads before a page can run, compressed as
// CloudFront serves it. A page's script is its entry (form.page.js) with every chunk it imports
// statically, read from esbuild's metafile; chunks loaded with import() later (the division names of
// one province) are not counted. Used by the bundle-size test and by bench/lighthouse.bench.ts.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';

/** Brotli bytes allowed per page script (KB = 1024 bytes). */
export const SCRIPT_BUDGET_BYTES: Readonly<Record<string, number>> = {
  'form.page.js': 60 * 1024,
  'status.page.js': 25 * 1024,
};

export interface ScriptSize {
  /** The entry's file name, e.g. form.page.js. */
  file: string;
  /** The entry and its static imports. */
  files: string[];
  raw: number;
  gzip: number;
  brotli: number;
}

/** Sizes of each budgeted page script of a build (buildWebSync's output folder and metafile). */
export function pageScriptSizes(outDir: string, metafile: Metafile): ScriptSize[] {
  const outputs = new Map(Object.entries(metafile.outputs).map(([file, output]) => [path.resolve(file), output]));
  return Object.keys(SCRIPT_BUDGET_BYTES).map((file) => {
    const files = new Set<string>();
    const visit = (absolute: string): void => {
      if (files.has(absolute)) return;
      files.add(absolute);
      for (const imported of outputs.get(absolute)?.imports ?? []) {
        if (imported.kind === 'import-statement' && !imported.external) visit(path.resolve(imported.path));
      }
    };
    visit(path.resolve(outDir, file));
    let raw = 0;
    let gzip = 0;
    let brotli = 0;
    for (const absolute of files) {
      const body = readFileSync(absolute);
      raw += body.length;
      gzip += gzipSync(body, { level: 9 }).length;
      brotli += brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }).length;
    }
    return { file, files: [...files].map((f) => path.relative(outDir, f)).sort(), raw, gzip, brotli };
  });
}
