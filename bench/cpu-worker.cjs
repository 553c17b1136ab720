// Child process of the benchmark: loads one bundled handler (CommonJS or ESM, as Lambda does: by
// import), warms it up, then measures the process CPU time (user + system) spent per handler call.
// Request bodies come from a JSON file.
const { readFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');
const [file, count, bodiesFile] = process.argv.slice(2);
const bodies = JSON.parse(readFileSync(bodiesFile, 'utf8'));
const WARMUP = 10;

function event(body) {
  return {
    httpMethod: 'POST',
    path: '/v1/needs',
    resource: '/v1/needs',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: String(Math.random()) },
  };
}
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 10000 };

(async () => {
  const { handler } = await import(pathToFileURL(file).href);
  const n = Number(count);
  for (let i = 0; i < WARMUP; i++) await handler(event(bodies[i]), context);
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const result = await handler(event(bodies[WARMUP + i]), context);
    if (result.statusCode !== 201) throw new Error(`unexpected ${result.statusCode}: ${result.body}`);
  }
  const used = process.cpuUsage(start);
  process.send({ cpuMicrosPerRequest: (used.user + used.system) / n });
})().catch((error) => process.send({ error: String(error && error.stack ? error.stack : error) }));
