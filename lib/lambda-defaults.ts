// How every function is built and run: Node.js 22 on arm64, bundled by esbuild as an ES module
// (packages' ESM builds, minified, AWS SDK included so the bundle pins its version), a source map written
// beside the code for offline lookup but not decoded at run time, JSON logs, X-Ray where Lambda offers it
// (not in aws-cn: there the Powertools Tracer is off and left out of the bundle), Powertools settings.
// `npm run bench` (bench/cold-start.bench.ts) measures every function built with exactly these settings.
import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../shared/domain/environment';
import { lambdaTracingOffered } from './partition';
import type { FunctionDefinition } from './routes';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
export const SERVICE_NAME = 'smefin';

/**
 * A `require` for the CommonJS packages an ES module bundle carries: esbuild turns their calls of
 * `require('node:…')` into a shim that throws without one (the X-Ray SDK's, in the aws partition).
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __smefinCreateRequire } from 'node:module'; const require = __smefinCreateRequire(import.meta.url);";

/**
 * esbuild settings for every function (the benchmark bundles with the same ones). ESM with the
 * packages' `module` builds first: smaller bundles that load faster than CommonJS (the AWS SDK's
 * and Powertools' ES builds). `sourceMap` writes index.mjs.map beside the code, for looking up a
 * logged stack offline; the functions do not run with NODE_OPTIONS=--enable-source-maps, with
 * which Node reads the map when the bundle loads and decodes it when the first error stack is
 * formatted (about 200 ms on a cold instance: bench/last-run.md).
 */
export const BUNDLING = {
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  target: 'node22',
  minify: true,
  sourceMap: true,
  externalModules: [] as string[],
  loader: { '.json': 'json' },
};

/**
 * BUNDLING for a partition without Lambda tracing: POWERTOOLS_TRACE_ENABLED is defined as "false" at
 * build time, so esbuild drops the dead tracer import of shared/adapters/observability.ts.
 */
export function bundlingFor(traced: boolean): typeof BUNDLING & { define?: Record<string, string> } {
  return traced ? BUNDLING : { ...BUNDLING, define: { [`process.env.${ENV.tracingEnabled}`]: JSON.stringify('false') } };
}

export function smefinFunction(
  scope: Construct,
  id: string,
  definition: FunctionDefinition,
  environment: Record<string, string>,
): NodejsFunction {
  const traced = lambdaTracingOffered(scope);
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return new NodejsFunction(scope, id, {
    entry: path.join(PROJECT_ROOT, definition.entry),
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    handler: 'handler',
    description: definition.description,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: definition.memorySize ?? 512,
    timeout: Duration.seconds(definition.timeoutSeconds ?? 10),
    tracing: traced ? Tracing.ACTIVE : Tracing.DISABLED,
    loggingFormat: LoggingFormat.JSON,
    logGroup,
    environment: {
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: SERVICE_NAME,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      // No NODE_OPTIONS: stacks stay as the bundle's; the map beside it resolves them offline.
      [ENV.tracingEnabled]: String(traced),
      ...environment,
    },
    bundling: bundlingFor(traced),
  });
}
