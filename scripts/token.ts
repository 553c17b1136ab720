// `npm run token -- --jurisdiction 330000 --role regulator`: for scripts and tests only, an ID token
// as the local OpenID Provider (`npm start`, /oidc) issues it after a sign-in: its issuer, its key
// (kept in the data folder), `aud` smefin-web, `sub`, `custom:role`, `custom:jurisdiction`. Works
// while npm start runs (the issuer from its runtime.json) or from its data folder (the issuer it last
// ran as). People sign in on the pages with a demo account instead.
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { findDivision } from '../shared/domain/divisions';
import { CliError, defaultDataDir, readRuntimeInfo, runCli } from '../local/runtime-info';
import { issuerFor, mintToken, readKeys } from '../local/jwt-issuer';

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      jurisdiction: { type: 'string' },
      role: { type: 'string', default: 'regulator' },
      subject: { type: 'string' },
      name: { type: 'string' },
      'expires-in': { type: 'string', default: '3600' },
      'data-dir': { type: 'string' },
    },
  });
  const jurisdiction = values.jurisdiction ?? '';
  if (!findDivision(jurisdiction)) {
    throw new CliError(
      'give --jurisdiction: a division code (000000 national, 330000 a province, 330100 a prefecture, 330106 a county)',
    );
  }
  const expiresIn = Number(values['expires-in']);
  if (!Number.isInteger(expiresIn)) throw new CliError('--expires-in: whole seconds');
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : defaultDataDir();
  const running = readRuntimeInfo(dataDir);
  const keys = readKeys(dataDir);
  const issuer = running ? issuerFor(running.apiUrl) : keys?.issuer;
  if (!keys || !issuer) {
    throw new CliError(
      `未找到本地 OpenID 提供方的密钥（${dataDir}）：请先运行一次 npm start。\n` +
        `No keys of the local OpenID Provider in ${dataDir}: run npm start once (or give --data-dir).`,
    );
  }
  console.log(
    await mintToken(keys, issuer, {
      jurisdiction,
      role: values.role,
      ...(values.subject ? { subject: values.subject } : {}),
      ...(values.name ? { name: values.name } : {}),
      expiresInSeconds: expiresIn,
    }),
  );
});
