// The county task-force contacts `npm start` loads (local/task-force.seed.json), checked by the same
// rules as `npm run task-force -- load` (shared/domain/task-force.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTaskForceContacts, type TaskForceContact } from '../shared/domain/task-force';

export const DEFAULT_TASK_FORCE_SEED_PATH = fileURLToPath(new URL('./task-force.seed.json', import.meta.url));

/** The seed's contacts; throws listing every problem of an invalid file. */
export function loadTaskForceSeed(path: string = DEFAULT_TASK_FORCE_SEED_PATH): TaskForceContact[] {
  const parsed = parseTaskForceContacts(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.ok) throw new Error(`invalid task-force seed ${path}:\n  ${parsed.errors.map((e) => `${e.pointer}: ${e.message.en}`).join('\n  ')}`);
  return parsed.contacts;
}
