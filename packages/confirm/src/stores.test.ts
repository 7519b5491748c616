import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask, SECRET, updateCase } from '../test/fixtures.ts';
import { SECRET_FILE } from './secret.ts';
import { openConfirmation } from './stores.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sfgql-open-confirmation-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const logger = { info: () => {}, error: () => {} };
const write = async () => ({ id: '00T000000000001AAA', success: true });

describe('openConfirmation', () => {
  it('keeps the demo secret and used tokens in the data folder: a token used before a reopen is refused after', async () => {
    const first = await openConfirmation({ dataDir, logger });
    expect(existsSync(join(dataDir, SECRET_FILE))).toBe(true);
    const { token } = await first.confirmation.preview(createTask());
    await expect(first.confirmation.execute(createTask(), token, write)).resolves.toMatchObject({
      kind: 'done',
    });
    await first.stores.close();

    const second = await openConfirmation({ dataDir, logger });
    expect(second.stores.kind).toBe('sqlite');
    await expect(second.confirmation.execute(createTask(), token, write)).rejects.toMatchObject({
      code: 'CONFIRMATION_USED',
    });
    await second.stores.close();
  });

  it('signs with the configured secret, under the policies it is given', async () => {
    const signer = await openConfirmation({ dataDir: ':memory:', logger, confirmSecret: SECRET });
    const { token } = await signer.confirmation.preview(createTask());
    const other = await openConfirmation({ dataDir: ':memory:', logger });
    await expect(other.confirmation.execute(createTask(), token, write)).rejects.toMatchObject({
      code: 'CONFIRMATION_INVALID',
    });
    const readOnly = await openConfirmation({
      dataDir: ':memory:',
      logger,
      confirmSecret: SECRET,
      policy: { default: { readOnly: true } },
    });
    await expect(readOnly.confirmation.preview(updateCase())).rejects.toMatchObject({
      code: 'WRITE_FORBIDDEN',
    });
    for (const opened of [signer, other, readOnly]) await opened.stores.close();
  });
});
