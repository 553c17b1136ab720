// The county task forces' contacts CLI (`npm run task-force -- <command>`): the office, phone and
// address an enterprise's owner sees on the status page when a person is needed. Acts on the running
// `npm start` by default, on AWS with --aws (see resolveTarget in local/runtime-info.ts).
//
//   show [county] [--json]            every county's contact, or one
//   load --file contacts.json [--dry-run]   validate (zh/en field errors, nothing written if any), then add or replace each county's contact
//   remove <county>                   remove a county's contact
//   review [county] [manual|auto|default]   the counties' review settings (审核): list, show one, set one, or back to the stage default
import { parseArgs } from 'node:util';
import { normalizeCountyCode } from '../shared/domain/divisions';
import { parseTaskForceContacts, type TaskForceContact } from '../shared/domain/task-force';
import { TaskForceStore } from '../shared/adapters/task-force-store';
import { ReviewSettingsStore } from '../shared/adapters/review-settings-store';
import { isReviewMode } from '../shared/domain/review';
import { CliError, formatTable, printFieldErrors, readJsonFile, runCli, TARGET_OPTIONS, withTarget, writeUnlessDryRun, type CliTarget } from '../local/runtime-info';

const USAGE = `用法 / Usage: npm run task-force -- <command> [options]

  show [county] [--json]        查看县级工作专班联系方式 / every county's task-force contact, or one county's
  load --file <contacts.json> [--dry-run]
                                载入联系方式（已有的区县被替换）/ add or replace the contacts of the file;
                                --dry-run only validates (no running system needed)
  remove <county>               删除某区县的联系方式 / remove a county's contact
  review [county] [manual|auto|default]
                                审核方式 / the counties' review settings: every county with its own,
                                one county's (its own or the stage default), or set it (default: the stage's)

The file: an array of contacts, {"contacts": [...]}, or one contact:
  {"countyCode": "330106", "office": {"zh": "…", "en": "…"}, "phone": "0571-…",
   "address": {"zh": "…", "en": "…"}, "hours": {"zh": "…", "en": "…"}}   (hours optional)

Target (default: the running npm start, found through SMEFIN_DATA_DIR or .local):
  --data-dir <dir>              the data folder of npm start
  --aws                         act on AWS (standard credential chain)
  --region <region>             e.g. cn-north-1 (default: AWS_REGION / the profile)
  --needs-table <name>          default NEEDS_TABLE_NAME`;

/** The file's contacts, validated; prints the field errors (zh and en) when any is invalid. */
function contactsFromFile(file: string): TaskForceContact[] | undefined {
  const parsed = parseTaskForceContacts(readJsonFile(file));
  if (parsed.ok) return parsed.contacts;
  console.error(`联系方式有误，未写入 / The contacts in ${file} have errors; nothing written:`);
  printFieldErrors(parsed.errors);
  return undefined;
}

function countyArgument(raw: string | undefined, command: string): string {
  if (!raw) throw new CliError(`请指定区县代码 / ${command} needs a county code, e.g. ${command} 330106`);
  const code = normalizeCountyCode(raw);
  if (!code) throw new CliError(`区县代码无效 / Unknown county code: ${raw}`);
  return code;
}

async function load(target: CliTarget, contacts: TaskForceContact[]): Promise<number> {
  const store = new TaskForceStore(target.clients.documentClient, target.tables.needs);
  const now = new Date();
  for (const contact of contacts) {
    const existing = await store.get(contact.countyCode, { consistent: true });
    await store.put(contact, now);
    console.log(`${existing ? '已更新 / Updated' : '已添加 / Added'} ${contact.countyCode} ${contact.office.zh} / ${contact.office.en} (${contact.phone})`);
  }
  console.log(`${contacts.length} contact(s) loaded into ${target.description}.`);
  return 0;
}

async function show(target: CliTarget, countyCode: string | undefined, json: boolean): Promise<number> {
  const store = new TaskForceStore(target.clients.documentClient, target.tables.needs);
  if (countyCode) {
    const contact = await store.get(countyCode, { consistent: true });
    if (!contact) {
      console.error(`该区县没有联系方式 / No task-force contact for ${countyCode} in ${target.description}`);
      return 1;
    }
    console.log(JSON.stringify(contact, null, 2));
    return 0;
  }
  const all = await store.list();
  if (json) {
    console.log(JSON.stringify(all.map((stored) => stored.contact), null, 2));
    return 0;
  }
  if (all.length === 0) {
    console.log(`没有联系方式 / No task-force contacts in ${target.description}. Load some with: npm run task-force -- load --file contacts.json`);
    return 0;
  }
  console.log(
    formatTable(
      ['county', '办公室 office', 'phone', '地址 address', 'updated'],
      all.map(({ contact, updatedAt }) => [contact.countyCode, contact.office.zh, contact.phone, contact.address.zh, updatedAt]),
    ),
  );
  console.log(`\n${all.length} county contact(s) in ${target.description}`);
  return 0;
}

async function remove(target: CliTarget, countyCode: string): Promise<number> {
  const store = new TaskForceStore(target.clients.documentClient, target.tables.needs);
  if (!(await store.remove(countyCode))) {
    console.error(`该区县没有联系方式 / No task-force contact for ${countyCode} in ${target.description}`);
    return 1;
  }
  console.log(`已删除 / Removed the task-force contact of ${countyCode} from ${target.description}.`);
  return 0;
}

async function review(target: CliTarget, countyCode: string | undefined, mode: string | undefined): Promise<number> {
  const store = new ReviewSettingsStore(target.clients.documentClient, target.tables.needs);
  if (!countyCode) {
    const all = await store.list();
    if (all.length === 0) console.log(`没有区县设置 / No county has its own review setting in ${target.description}: every county follows the stage default.`);
    else console.log(formatTable(['county', 'review', 'updated'], all.map((s) => [s.countyCode, s.review, s.updatedAt])));
    return 0;
  }
  if (mode === undefined) {
    const own = await store.get(countyCode, { consistent: true });
    console.log(own ? `${countyCode}: ${own}` : `${countyCode}: 未设置，按阶段默认 / no setting of its own: the stage default applies`);
    return 0;
  }
  if (mode === 'default') {
    const had = await store.remove(countyCode);
    console.log(had ? `已恢复默认 / ${countyCode} follows the stage default again.` : `${countyCode} had no setting of its own.`);
    return 0;
  }
  if (!isReviewMode(mode)) throw new CliError(`审核方式应为 manual、auto 或 default / The review setting must be manual, auto or default: ${mode}`);
  await store.put(countyCode, mode, new Date());
  console.log(`已设置 / ${countyCode}: review ${mode} in ${target.description}`);
  return 0;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      ...TARGET_OPTIONS,
      file: { type: 'string' },
      json: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, county, ...extra] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }
  if (extra.length > (command === 'review' ? 1 : 0) || (command === 'load' && county !== undefined)) {
    throw new CliError(`多余的参数 / Unexpected arguments: ${[...(command === 'load' ? [county] : []), ...extra].join(' ')}\n\n${USAGE}`);
  }
  switch (command) {
    case 'show': {
      const code = county === undefined ? undefined : countyArgument(county, 'show');
      return withTarget(values, (target) => show(target, code, values.json));
    }
    case 'load': {
      if (!values.file) throw new CliError('load 需要 --file / load needs --file <contacts.json>');
      // Checked before looking for the target: a file can be validated without a running system.
      const contacts = contactsFromFile(values.file);
      if (!contacts) return 1;
      return writeUnlessDryRun(values['dry-run'], contacts, () => withTarget(values, (target) => load(target, contacts)));
    }
    case 'review': {
      const code = county === undefined ? undefined : countyArgument(county, 'review');
      return withTarget(values, (target) => review(target, code, extra[0]));
    }
    case 'remove': {
      const code = countyArgument(county, 'remove');
      return withTarget(values, (target) => remove(target, code));
    }
    default:
      throw new CliError(`未知命令 / Unknown command: ${command}\n\n${USAGE}`);
  }
}

await runCli(main);
