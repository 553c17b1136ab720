// The seeded demo officials of the local OpenID Provider (local/oidc-provider.ts): one account per
// kind of official issue 7 names, with the role and jurisdiction claims the API's authorizer reads.
// Local only: the passwords are printed by `npm start` and are no secret.
import { JURISDICTION_CLAIM, ROLE_CLAIM } from '../shared/domain/claims';

export interface DemoAccount {
  /** What the official types on the login page. */
  username: string;
  password: string;
  /** The token's `sub`. */
  subject: string;
  role: 'regulator' | 'task_force' | 'admin';
  /** A division code: 000000 national, a province, a prefecture or a county. */
  jurisdiction: string;
  name: string;
}

const account = (username: string, role: DemoAccount['role'], jurisdiction: string, name: string): DemoAccount => ({
  username,
  password: `${username}-demo`,
  subject: `demo-${username}`,
  role,
  jurisdiction,
  name,
});

export const DEMO_ACCOUNTS: readonly DemoAccount[] = Object.freeze([
  account('national', 'regulator', '000000', '全国监管员 National regulator'),
  account('zhejiang', 'regulator', '330000', '浙江省监管员 Zhejiang regulator'),
  account('hangzhou', 'regulator', '330100', '杭州市监管员 Hangzhou regulator'),
  account('xihu', 'regulator', '330106', '西湖区监管员 Xihu regulator'),
  account('xihu-tf', 'task_force', '330106', '西湖区工作专班 Xihu task force'),
  account('dongguan-tf', 'task_force', '441900', '东莞市工作专班 Dongguan task force'),
  // Binjiang reviews by hand (review: manual), so the task force's review is seen working locally.
  account('binjiang-tf', 'task_force', '330108', '滨江区工作专班 Binjiang task force'),
  // The prefecture's coordinator: follows its counties' progress, read only.
  account('hangzhou-tf', 'task_force', '330100', '杭州市工作专班 Hangzhou coordinator'),
  account('admin', 'admin', '000000', '系统管理员 Administrator'),
]);

export function accountBySubject(subject: string): DemoAccount | undefined {
  return DEMO_ACCOUNTS.find((candidate) => candidate.subject === subject);
}

/** The account whose username and password these are (usernames ignore case and surrounding blanks). */
export function accountByLogin(username: string, password: string): DemoAccount | undefined {
  const found = DEMO_ACCOUNTS.find((candidate) => candidate.username === username.trim().toLowerCase());
  return found && found.password === password ? found : undefined;
}

/** The claims of an official, as the provider puts them in the ID token (and userinfo). */
export function accountClaims(claims: { subject: string; role: string; jurisdiction: string; name?: string }): { sub: string } & Record<string, string> {
  return {
    sub: claims.subject,
    [ROLE_CLAIM]: claims.role,
    [JURISDICTION_CLAIM]: claims.jurisdiction,
    ...(claims.name ? { name: claims.name } : {}),
  };
}
