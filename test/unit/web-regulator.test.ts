// The regulator page's pure parts: reading a token for display, the report tree, periods, links,
// the demo jurisdiction picker, and the page's markup (keys, ids, nothing inline for the CSP).
import { readFileSync } from 'node:fs';
import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { isMessageKey } from '../../web/src/i18n';
import { isLoopback, oidcConfigFrom, refreshDelayMs } from '../../web/src/oidc';
import { parseReportList, reportDownloadUrl, reportListUrl, type ReportEntry } from '../../web/src/regulator-api';
import { jurisdictionPath } from '../../web/src/regulator-divisions';
import { choiceFor, defaultValue, periodDefaults, periodIdFrom, previousMonth } from '../../web/src/regulator-period';
import { decodeJwtPayload, isExpired, tokenClaims } from '../../web/src/regulator-token';
import { buildReportTree, englishName, flattenTree, levelOfEntry, type TreeNode } from '../../web/src/regulator-tree';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const jwt = (payload: unknown, header: unknown = { alg: 'ES256', typ: 'JWT' }) => `${b64(header)}.${b64(payload)}.${b64('signature')}`;

describe('regulator token (display only)', () => {
  it('reads the claims of a signed token: jurisdiction, account, expiry', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ 'custom:jurisdiction': '440000', 'custom:role': 'regulator', token_use: 'id' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('regulator-440000')
      .setExpirationTime(1_900_000_000)
      .sign(privateKey);
    expect(decodeJwtPayload(token)).toMatchObject({ 'custom:jurisdiction': '440000', sub: 'regulator-440000' });
    const claims = tokenClaims(token);
    expect(claims).toEqual({
      jurisdiction: '440000',
      role: 'regulator',
      account: 'regulator-440000',
      expiresAt: new Date(1_900_000_000_000),
    });
    expect(isExpired(claims!, new Date(1_899_999_999_000))).toBe(false);
    expect(isExpired(claims!, new Date(1_900_000_000_000))).toBe(true);
  });

  it('prefers a Cognito e-mail or user name as the account, and accepts a plain jurisdiction claim', () => {
    expect(tokenClaims(jwt({ sub: 'abc', email: 'li@gd.example', jurisdiction: '440100' }))).toEqual({
      jurisdiction: '440100',
      account: 'li@gd.example',
    });
    expect(tokenClaims(jwt({ sub: 'abc', 'cognito:username': 'wang' }))?.account).toBe('wang');
  });

  it("reads the local provider's ID token: name, role, user name as the account", () => {
    expect(
      tokenClaims(jwt({ sub: 'demo-xihu', name: '西湖区监管员', preferred_username: 'xihu', 'custom:role': 'regulator', 'custom:jurisdiction': '330106' })),
    ).toEqual({ name: '西湖区监管员', role: 'regulator', jurisdiction: '330106', account: 'xihu' });
  });

  it('decodes UTF-8 payloads (names in Chinese)', () => {
    expect(decodeJwtPayload(jwt({ name: '王丽', 'custom:jurisdiction': '330000' }))).toEqual({
      name: '王丽',
      'custom:jurisdiction': '330000',
    });
  });

  it('ignores claims of the wrong type', () => {
    expect(tokenClaims(jwt({ 'custom:jurisdiction': 440000, exp: '2030', sub: '' }))).toEqual({});
  });

  it('gives undefined for what is not a JWS', () => {
    const good = jwt({ sub: 'x' });
    const [header, payload] = good.split('.') as [string, string];
    for (const bad of [
      '',
      'not-a-token',
      `${header}.${payload}`, // two parts
      `${good}.extra`, // four parts
      `${header}.${payload}.`, // unsigned (alg none style)
      `${header}.${payload}.sig=`, // padding / not base64url
      `${header}.${payload}.si+g`,
      `${b64('not json')}.${payload}.sig`,
      `${b64({ typ: 'JWT' })}.${payload}.sig`, // header without alg
      `${header}.${b64([1, 2])}.sig`, // payload not an object
      `${header}.${b64('null')}.sig`,
      `${header}.${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.sig`, // not UTF-8
      `${header}.A.sig`, // impossible base64 length
    ]) {
      expect(decodeJwtPayload(bad), bad).toBeUndefined();
      expect(tokenClaims(bad), bad).toBeUndefined();
    }
  });
});

describe('sign-in configuration (config.json)', () => {
  it('takes an https issuer and a client id', () => {
    expect(oidcConfigFrom({ apiBaseUrl: '', oidcIssuer: 'https://id.zj.gov.example/realms/smefin', oidcClientId: 'smefin-web' })).toEqual({
      issuer: 'https://id.zj.gov.example/realms/smefin',
      clientId: 'smefin-web',
    });
  });

  it('takes plain http for the local provider only', () => {
    expect(oidcConfigFrom({ oidcIssuer: 'http://127.0.0.1:3000/oidc', oidcClientId: 'smefin-web' })?.issuer).toBe('http://127.0.0.1:3000/oidc');
    expect(oidcConfigFrom({ oidcIssuer: 'http://localhost:3000/oidc', oidcClientId: 'smefin-web' })).toBeDefined();
    expect(oidcConfigFrom({ oidcIssuer: 'http://id.example.cn/oidc', oidcClientId: 'smefin-web' })).toBeUndefined();
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('127.0.0.1.example.cn')).toBe(false);
  });

  it('refuses what is missing or not an issuer', () => {
    for (const bad of [
      undefined,
      null,
      'x',
      { apiBaseUrl: '' },
      { oidcIssuer: 'https://id.example.cn', oidcClientId: '' },
      { oidcIssuer: 'https://id.example.cn', oidcClientId: 3 },
      { oidcIssuer: 'not a url', oidcClientId: 'smefin-web' },
      { oidcIssuer: 'https://id.example.cn/?realm=x', oidcClientId: 'smefin-web' },
      { oidcIssuer: 'javascript:alert(1)', oidcClientId: 'smefin-web' },
    ]) {
      expect(oidcConfigFrom(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('refreshes a minute before the ID token expires, at once when that has passed', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    expect(refreshDelayMs(new Date('2026-12-01T10:10:00Z'), now)).toBe(9 * 60_000);
    expect(refreshDelayMs(new Date('2026-12-01T10:00:30Z'), now)).toBe(0);
    expect(refreshDelayMs(new Date('2026-12-01T09:00:00Z'), now)).toBe(0);
  });
});

type Entry = { division: { code: string; name: string; level: string } };
const entry = (code: string, name: string, level: string): Entry => ({ division: { code, name, level } });
const shape = (nodes: readonly TreeNode<Entry>[]): unknown[] =>
  nodes.map((node) => (node.children.length > 0 ? { [node.entry.division.code]: shape(node.children) } : node.entry.division.code));

describe('report tree', () => {
  it('nests a flat list national → province → prefecture → county, sorted by code', () => {
    const flat = [
      entry('440105', '海珠区', 'county'),
      entry('330106', '西湖区', 'county'),
      entry('000000', '全国', 'national'),
      entry('440100', '广州市', 'prefecture'),
      entry('330000', '浙江省', 'province'),
      entry('440000', '广东省', 'province'),
      entry('440104', '越秀区', 'county'),
      entry('330100', '杭州市', 'prefecture'),
    ];
    const tree = buildReportTree(flat);
    expect(shape(tree)).toEqual([
      { '000000': [{ '330000': [{ '330100': ['330106'] }] }, { '440000': [{ '440100': ['440104', '440105'] }] }] },
    ]);
    const flatOrder = flattenTree(tree);
    expect(flatOrder.map((node) => [node.entry.division.code, node.depth])).toEqual([
      ['000000', 0],
      ['330000', 1],
      ['330100', 2],
      ['330106', 3],
      ['440000', 1],
      ['440100', 2],
      ['440104', 3],
      ['440105', 3],
    ]);
  });

  it("starts at the caller's own division when nothing above it is listed", () => {
    expect(shape(buildReportTree([entry('440105', '海珠区', 'county'), entry('440100', '广州市', 'prefecture')]))).toEqual([
      { '440100': ['440105'] },
    ]);
    expect(shape(buildReportTree([entry('440105', '海珠区', 'county')]))).toEqual(['440105']);
    expect(buildReportTree([])).toEqual([]);
  });

  it('hangs an entry under its nearest listed ancestor', () => {
    // No report for 广州市: 海珠区 sits under 广东省. Municipality districts sit under the municipality,
    // province-administered units under the province, the unknown-division bucket under national.
    const tree = buildReportTree([
      entry('000000', '全国', 'national'),
      entry('440000', '广东省', 'province'),
      entry('440105', '海珠区', 'county'),
      entry('110000', '北京市', 'province'),
      entry('110101', '东城区', 'county'),
      entry('410000', '河南省', 'province'),
      entry('419001', '济源市', 'county'),
      entry('999999', '未知地区', 'province'),
    ]);
    expect(shape(tree)).toEqual([
      { '000000': [{ '110000': ['110101'] }, { '410000': ['419001'] }, { '440000': ['440105'] }, '999999'] },
    ]);
  });

  it('places a prefecture-level city without counties, and codes the data set does not know', () => {
    const tree = buildReportTree([
      entry('440000', '广东省', 'province'),
      entry('441900', '东莞市', 'county'),
      entry('441900', '东莞市', 'prefecture'),
      entry('440199', '旧区', 'county'), // not in the data set: by the shape of its code
      entry('440100', '广州市', 'prefecture'),
    ]);
    expect(shape(tree)).toEqual([{ '440000': [{ '440100': ['440199'] }, { '441900': ['441900'] }] }]);
  });

  it('keeps one of each code and level, and works out a level it was not told', () => {
    const tree = buildReportTree([entry('440000', '广东省', 'province'), entry('440000', '广东省', 'province'), entry('440100', '广州市', '?')]);
    expect(shape(tree)).toEqual([{ '440000': ['440100'] }]);
    expect(levelOfEntry({ code: '440105', name: '', level: 'district' })).toBe('county');
    expect(levelOfEntry({ code: '000000', name: '', level: '' })).toBe('national');
    expect(levelOfEntry({ code: '449900', name: '', level: '' })).toBe('prefecture');
    expect(levelOfEntry({ code: '980000', name: '', level: '' })).toBe('province');
  });

  it('knows English names of national, provinces and the unknown bucket only', () => {
    expect(englishName({ code: '440000', name: '广东省', level: 'province' })).toBe('Guangdong');
    expect(englishName({ code: '000000', name: '全国', level: 'national' })).toBe('National');
    expect(englishName({ code: '999999', name: '未知地区', level: 'province' })).toBe('Unknown division');
    expect(englishName({ code: '440100', name: '广州市', level: 'prefecture' })).toBeUndefined();
    expect(englishName({ code: '440100', name: '广州市', level: 'prefecture', nameEn: 'Guangzhou' })).toBe('Guangzhou');
  });
});

describe('report periods', () => {
  it('starts at the previous month and yesterday, in China time', () => {
    // 2026-11-30 16:30 UTC is 2026-12-01 00:30 in Beijing.
    const defaults = periodDefaults(new Date('2026-11-30T16:30:00Z'));
    expect(defaults).toEqual({ month: '2026-11', day: '2026-11-30', today: '2026-12-01' });
    expect(periodDefaults(new Date('2026-11-30T15:59:59Z'))).toEqual({ month: '2026-10', day: '2026-11-29', today: '2026-11-30' });
    expect(defaultValue('month', defaults)).toBe('2026-11');
    expect(defaultValue('day', defaults)).toBe('2026-11-30');
    expect(defaultValue('monthToDate', defaults)).toBe('2026-11-30');
  });

  it('goes back over the turn of the year', () => {
    expect(previousMonth('2026-01-15')).toBe('2025-12');
    expect(previousMonth('2026-03-31')).toBe('2026-02');
    expect(periodDefaults(new Date('2026-01-01T00:00:00+08:00'))).toEqual({ month: '2025-12', day: '2025-12-31', today: '2026-01-01' });
    expect(() => previousMonth('2026-02-30')).toThrow(RangeError);
  });

  it('makes period ids from the inputs, and refuses what does not fit', () => {
    expect(periodIdFrom('month', '2026-11')).toBe('2026-11');
    expect(periodIdFrom('month', ' 2026-11 ')).toBe('2026-11');
    expect(periodIdFrom('day', '2026-11-29')).toBe('2026-11-29');
    expect(periodIdFrom('monthToDate', '2026-11-29')).toBe('2026-11-mtd-29');
    expect(periodIdFrom('month', '2026-13')).toBeUndefined();
    expect(periodIdFrom('month', '2026-11-29')).toBeUndefined();
    expect(periodIdFrom('day', '2026-11')).toBeUndefined();
    expect(periodIdFrom('day', '2026-02-30')).toBeUndefined();
    expect(periodIdFrom('monthToDate', '2026-11')).toBeUndefined();
    expect(periodIdFrom('month', '')).toBeUndefined();
    expect(periodIdFrom('day', '2026/11/29')).toBeUndefined();
  });

  it('reads a period id back into the inputs', () => {
    expect(choiceFor('2026-11')).toEqual({ choice: 'month', value: '2026-11' });
    expect(choiceFor('2026-11-29')).toEqual({ choice: 'day', value: '2026-11-29' });
    expect(choiceFor('2026-11-mtd-29')).toEqual({ choice: 'monthToDate', value: '2026-11-29' });
    expect(choiceFor('soon')).toBeUndefined();
    for (const id of ['2026-02', '2024-02-29', '2026-12-mtd-31']) {
      const choice = choiceFor(id)!;
      expect(periodIdFrom(choice.choice, choice.value)).toBe(id);
    }
  });
});

describe('report list and links', () => {
  const guangdong: ReportEntry = {
    division: { code: '440000', name: '广东省', level: 'province' },
    links: { csv: '/v1/reports/2026-11/440000?format=csv', html: 'https://elsewhere.example/steal' },
  };

  it('reads the list, leaving out unusable entries', () => {
    const list = parseReportList({
      period: '2026-11',
      jurisdiction: '440000',
      reports: [
        { division: { code: '440000', name: '广东省', level: 'province' }, links: { json: '/v1/reports/2026-11/440000?format=json', bad: 3 } },
        { division: { code: '44', name: 'x', level: 'province' }, links: {} },
        { division: null },
        'nonsense',
      ],
    });
    expect(list).toEqual({
      period: '2026-11',
      jurisdiction: '440000',
      reports: [{ division: { code: '440000', name: '广东省', level: 'province' }, links: { json: '/v1/reports/2026-11/440000?format=json' } }],
    });
    expect(parseReportList({ message: 'Unauthorized' })).toBeUndefined();
    expect(parseReportList(null)).toBeUndefined();
  });

  it('asks for a report by format and edition, on the API origin', () => {
    expect(reportListUrl('', '2026-11-mtd-29')).toBe('/v1/reports?period=2026-11-mtd-29');
    expect(reportDownloadUrl('', '2026-11', guangdong, 'csv', 'public', 'http://127.0.0.1:3000')).toBe(
      'http://127.0.0.1:3000/v1/reports/2026-11/440000?format=csv&edition=public',
    );
    expect(reportDownloadUrl('https://api.example.cn/prod', '2026-11', guangdong, 'xlsx', 'full', 'https://web.example.cn')).toBe(
      'https://api.example.cn/prod/v1/reports/2026-11/440000?format=xlsx&edition=full',
    );
    // A listed link that is not an API path is not followed.
    expect(reportDownloadUrl('', '2026-11', guangdong, 'html', 'full', 'http://127.0.0.1:3000')).toBe(
      'http://127.0.0.1:3000/v1/reports/2026-11/440000?format=html&edition=full',
    );
  });
});

describe('jurisdictions', () => {
  it('reads a jurisdiction as its path from the province down', () => {
    expect(jurisdictionPath('440105')?.map((division) => division.name)).toEqual(['广东省', '广州市', '海珠区']);
    expect(jurisdictionPath('110101')?.map((division) => division.name)).toEqual(['北京市', '东城区']);
    expect(jurisdictionPath('000000')?.map((division) => division.name)).toEqual(['全国']);
    expect(jurisdictionPath('440000')?.map((division) => division.level)).toEqual(['province']);
    expect(jurisdictionPath('110100')).toBeUndefined(); // placeholder
    expect(jurisdictionPath('12345')).toBeUndefined();
  });
});

describe('regulator.html', () => {
  const html = readFileSync(new URL('../../web/public/regulator.html', import.meta.url), 'utf8');
  const script = readFileSync(new URL('../../web/src/regulator.page.ts', import.meta.url), 'utf8');

  it('uses only known UI strings', () => {
    const keys = [...html.matchAll(/data-i18n="([^"]+)"/g)].map((m) => m[1]!);
    expect(keys.length).toBeGreaterThan(20);
    for (const key of keys) expect(isMessageKey(key), key).toBe(true);
    for (const [, key] of script.matchAll(/'(reg\.[\w.]+)'/g)) expect(isMessageKey(key!), key).toBe(true);
  });

  it('has every element the script looks up', () => {
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    const wanted = [...script.matchAll(/byId(?:<\w+>)?\('([^']+)'\)/g)].map((m) => m[1]);
    expect(wanted.length).toBeGreaterThan(10);
    for (const id of wanted) expect(ids.has(id), id).toBe(true);
  });

  it('has nothing inline that the CSP would block', () => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/\son[a-z]+="/);
    expect(html).toContain('<script type="module" src="regulator.page.js"></script>');
  });
});
