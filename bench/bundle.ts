// A function bundled as the stack bundles it: the CDK's NodejsFunction `bundling` settings
// (lib/lambda-defaults.ts) turned into the esbuild options the CDK passes to esbuild's command line
// (aws-cdk-lib/aws-lambda-nodejs/lib/bundling.js: --bundle, --platform=node, --target, --format,
// --outfile=index.js|index.mjs, --minify, --sourcemap, --external, --loader, --define, --banner:js,
// --main-fields). A setting this file does not know stops the bundle, so nothing the stack sets
// is silently left out of a measurement.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync, type BuildOptions, type Loader, type Metafile } from 'esbuild';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

export type Bundling = Pick<
  BundlingOptions,
  'format' | 'target' | 'minify' | 'sourceMap' | 'externalModules' | 'loader' | 'define' | 'banner' | 'mainFields'
>;
const KNOWN = new Set<string>(['format', 'target', 'minify', 'sourceMap', 'externalModules', 'loader', 'define', 'banner', 'mainFields']);

/** The file name the CDK gives the bundle: index.mjs for ESM, index.js otherwise. */
export function bundleFileName(bundling: Bundling): string {
  return bundling.format === 'esm' ? 'index.mjs' : 'index.js';
}

export function esbuildOptions(bundling: Bundling, entry: string, outdir: string): BuildOptions & { outfile: string } {
  const unknown = Object.keys(bundling).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) throw new Error(`bench/bundle.ts does not map the bundling setting(s) ${unknown.join(', ')}`);
  return {
    entryPoints: [entry],
    outfile: path.join(outdir, bundleFileName(bundling)),
    bundle: true,
    platform: 'node',
    target: bundling.target,
    ...(bundling.format ? { format: bundling.format } : {}),
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ?? false,
    external: bundling.externalModules ?? [],
    loader: (bundling.loader ?? {}) as Record<string, Loader>,
    define: bundling.define ?? {},
    ...(bundling.banner ? { banner: { js: bundling.banner } } : {}),
    ...(bundling.mainFields ? { mainFields: bundling.mainFields } : {}),
    logLevel: 'error',
  };
}

export interface Bundle {
  file: string;
  metafile: Metafile;
}

/** Bundles `entry` into `outdir` with `bundling`; returns the bundle's path and esbuild's metafile. */
export function bundle(bundling: Bundling, entry: string, outdir: string): Bundle {
  mkdirSync(outdir, { recursive: true });
  const options = esbuildOptions(bundling, entry, outdir);
  const result = buildSync({ ...options, metafile: true });
  return { file: options.outfile, metafile: result.metafile };
}

/**
 * The bundle's bytes by package (the innermost node_modules/<pkg>, so a nested copy counts under its
 * own name, with the number of copies) or project folder, largest first.
 */
export function contributors(metafile: Metafile): { name: string; bytes: number }[] {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  const totals = new Map<string, { bytes: number; copies: Set<string> }>();
  for (const [file, input] of Object.entries(output?.inputs ?? {})) {
    const inPackage = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))(\/.*)?$/.exec(file);
    let name = inPackage ? inPackage[2]! : path.dirname(file).replace(/^(\.\.\/)+/, '');
    if (inPackage && /\/locales?\//.test(inPackage[3] ?? '')) name += ' (locales)';
    if (file.endsWith('.json') && !inPackage) name = file;
    const entry = totals.get(name) ?? { bytes: 0, copies: new Set<string>() };
    entry.bytes += input.bytesInOutput;
    entry.copies.add(inPackage ? inPackage[1]! : name);
    totals.set(name, entry);
  }
  return [...totals]
    .map(([name, { bytes, copies }]) => ({ name: copies.size > 1 ? `${name} (${copies.size} copies)` : name, bytes }))
    .sort((a, b) => b.bytes - a.bytes);
}
