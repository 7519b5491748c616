/**
 * A process that confirms writes with the SQLite stores, for the crash tests: it reads the tasks
 * (request, token, idempotency key), executes them one after the other, and "writes" each by
 * appending its key to a log file (the stand-in for Salesforce). It prints one line per outcome.
 *
 * node sqlite-child.ts <db file> <tasks.json> <write log>
 */
import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import { createConfirmation } from '../src/confirmation.ts';
import { createSqliteStores } from '../src/sqlite-store.ts';
import type { WriteRequest } from '../src/types.ts';
import { SECRET } from './fixtures.ts';

export interface CrashTask {
  request: WriteRequest;
  token: string;
  key: string;
}

const [file, tasksFile, log] = process.argv.slice(2) as [string, string, string];
const tasks = JSON.parse(await readFile(tasksFile, 'utf8')) as CrashTask[];
const stores = createSqliteStores({ file });
const confirmation = createConfirmation({
  keys: { current: SECRET },
  store: stores.nonces,
  idempotency: stores.idempotency,
  // The crash tests replay within seconds: a lease longer than the test keeps IN_USE observable.
  storeDeadlineMs: 5_000,
});

for (const task of tasks) {
  let outcome: string;
  try {
    const answer = await confirmation.execute(
      task.request,
      task.token,
      async () => {
        // Yield on both sides of the write, so that a kill can land anywhere around it.
        await setImmediate();
        appendFileSync(log, `${task.key}\n`);
        await setImmediate();
        return { id: task.key };
      },
      { idempotencyKey: task.key },
    );
    outcome = answer.kind === 'done' ? (answer.replayed ? 'replayed' : 'written') : 'preview';
  } catch (error) {
    outcome = (error as { code?: string }).code ?? 'error';
  }
  process.stdout.write(`${task.key} ${outcome}\n`);
}
stores.close();
