import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo.ts';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call, login } from '../test-helpers.ts';
import { type CommandResult, installSfCli, sfRunner } from './sf-cli.ts';

/**
 * The Salesforce CLI against the emulator, as a developer would use it: `sf org login
 * access-token` (which stores the instance URL with a trailing slash, so every later request path
 * starts with `//services`), then the data, tree, bulk, sobject, search and limits commands.
 */
let emulator: RunningEmulator;
let token: string;
let home: string;
let sf: ReturnType<typeof sfRunner>;
const V = '/services/data/v60.0';
// biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON results are untyped.
type Rec = Record<string, any>;

/** Runs a command that must succeed; `--json` commands answer their `result`. */
async function ok(args: string[], cwd?: string): Promise<CommandResult & { result: Rec }> {
  const out = await sf(args, { cwd });
  if (out.code !== 0)
    throw new Error(`sf ${args.join(' ')} exited with ${out.code}\n${out.stdout}\n${out.stderr}`);
  return {
    ...out,
    result: args.includes('--json') ? (JSON.parse(out.stdout) as { result: Rec }).result : {},
  };
}

const count = async (soql: string, all = false) =>
  (await call(emulator, token, 'GET', `${V}/${all ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`))
    .body.totalSize as number;

beforeAll(async () => {
  const runJs = await installSfCli();
  emulator = await startEmulator({ dataDir: ':memory:' });
  token = await login(emulator);
  home = mkdtempSync(join(tmpdir(), 'sfgql-sf-'));
  sf = sfRunner(runJs, home);
  const logged = await sf(
    [
      'org',
      'login',
      'access-token',
      '--instance-url',
      emulator.url,
      '--alias',
      'emu',
      '--set-default',
      '--no-prompt',
      '--json',
    ],
    { env: { SF_ACCESS_TOKEN: token } },
  );
  if (logged.code !== 0)
    throw new Error(`sf org login access-token failed:\n${logged.stdout}\n${logged.stderr}`);
}, 600_000);
afterAll(async () => {
  await emulator?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('the Salesforce CLI', () => {
  it('logs in with an access token, keeping the instance URL with its trailing slash', async () => {
    const { result } = await ok(['org', 'display', '--json']);
    expect(result).toMatchObject({
      instanceUrl: `${emulator.url}/`,
      username: DEMO.username,
      connectedStatus: 'Connected',
      id: emulator.org.orgId,
    });
  }, 120_000);

  it('queries in json, human and csv output, and with --all-rows', async () => {
    const json = await ok([
      'data',
      'query',
      '--query',
      "SELECT Name, Account.Name FROM Contact WHERE LastName = 'Johnson' ORDER BY FirstName",
      '--json',
    ]);
    expect(json.result.records.map((r: Rec) => [r.Name, r.Account?.Name])).toEqual([
      ['David Johnson', 'Johnson & Associates'],
      ['Sarah Johnson', 'Acme Corporation'],
    ]);

    const human = await ok([
      'data',
      'query',
      '--query',
      "SELECT Name, Account.Name FROM Contact WHERE LastName = 'Johnson' ORDER BY FirstName",
    ]);
    expect(human.stdout).toMatch(/NAME\s+│\s+ACCOUNT\.NAME/);
    expect(human.stdout).toMatch(/Sarah Johnson\s+│\s+Acme Corporation/);
    expect(human.stdout).toContain('Total number of records retrieved: 2.');

    const nested = await ok([
      'data',
      'query',
      '--query',
      "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account WHERE Name = 'Acme Corporation'",
    ]);
    expect(nested.stdout).toContain('CONTACTS.LASTNAME');
    expect(nested.stdout).toMatch(/Acme Corporation\s+│\s+Chen/);

    const grouped = await ok([
      'data',
      'query',
      '--query',
      'SELECT Status, COUNT(Id) total FROM Case GROUP BY Status ORDER BY Status',
    ]);
    expect(grouped.stdout).toMatch(/STATUS\s+│\s+TOTAL/);

    const csv = await ok([
      'data',
      'query',
      '--query',
      "SELECT Id, Name FROM Account WHERE Name = 'Acme Corporation'",
      '--result-format',
      'csv',
    ]);
    expect(csv.stdout.trim().split('\n')).toEqual([
      'Id,Name',
      expect.stringMatching(/^001\w{15},Acme Corporation$/),
    ]);

    const doomed = await call(emulator, token, 'POST', `${V}/sobjects/Account`, { Name: 'CLI Recycled' });
    await call(emulator, token, 'DELETE', `${V}/sobjects/Account/${doomed.body.id}`);
    const live = await ok([
      'data',
      'query',
      '--query',
      "SELECT Id FROM Account WHERE Name = 'CLI Recycled'",
      '--json',
    ]);
    expect(live.result.totalSize).toBe(0);
    const all = await ok([
      'data',
      'query',
      '--query',
      "SELECT Id, IsDeleted FROM Account WHERE Name = 'CLI Recycled'",
      '--all-rows',
      '--json',
    ]);
    expect(all.result.records).toEqual([expect.objectContaining({ Id: doomed.body.id, IsDeleted: true })]);
  }, 120_000);

  it('creates, gets, updates and deletes a record', async () => {
    const created = await ok([
      'data',
      'create',
      'record',
      '--sobject',
      'Account',
      '--values',
      "Name='CLI Record Co' Phone='555-0100'",
      '--json',
    ]);
    const id = created.result.id as string;
    expect(id).toMatch(/^001/);
    const got = await ok(['data', 'get', 'record', '--sobject', 'Account', '--record-id', id, '--json']);
    expect(got.result).toMatchObject({ Id: id, Name: 'CLI Record Co', Phone: '555-0100' });
    await ok([
      'data',
      'update',
      'record',
      '--sobject',
      'Account',
      '--record-id',
      id,
      '--values',
      "Phone='555-0199'",
    ]);
    const byWhere = await ok([
      'data',
      'get',
      'record',
      '--sobject',
      'Account',
      '--where',
      "Name='CLI Record Co'",
      '--json',
    ]);
    expect(byWhere.result.Phone).toBe('555-0199');
    await ok(['data', 'delete', 'record', '--sobject', 'Account', '--record-id', id]);
    expect(await count(`SELECT Id FROM Account WHERE Id = '${id}'`)).toBe(0);
  }, 120_000);

  it('exports and imports trees of records, with a plan and as nested files', async () => {
    const work = mkdtempSync(join(tmpdir(), 'sfgql-sf-tree-'));
    try {
      await ok(
        [
          'data',
          'export',
          'tree',
          '--query',
          "SELECT Name, Phone, (SELECT LastName, Email FROM Contacts) FROM Account WHERE Name = 'Acme Corporation'",
          '--output-dir',
          'plan',
          '--plan',
        ],
        work,
      );
      const accounts = join(work, 'plan', 'Account.json');
      writeFileSync(accounts, readFileSync(accounts, 'utf8').replace('Acme Corporation', 'Acme Tree Copy'));
      const planned = await ok(
        ['data', 'import', 'tree', '--plan', join(work, 'plan', 'Account-Contact-plan.json'), '--json'],
        work,
      );
      expect(planned.result.map((r: Rec) => r.refId).sort()).toEqual([
        'AccountRef1',
        'ContactRef1',
        'ContactRef2',
      ]);
      expect(await count("SELECT Id FROM Contact WHERE Account.Name = 'Acme Tree Copy'")).toBe(2);

      await ok(
        [
          'data',
          'export',
          'tree',
          '--query',
          "SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name = 'Johnson & Associates'",
          '--output-dir',
          'nested',
        ],
        work,
      );
      const nested = join(work, 'nested', 'Account-Contact.json');
      writeFileSync(
        nested,
        readFileSync(nested, 'utf8').replace('Johnson & Associates', 'Johnson Tree Copy'),
      );
      await ok(['data', 'import', 'tree', '--files', nested], work);
      expect(await count("SELECT Id FROM Contact WHERE Account.Name = 'Johnson Tree Copy'")).toBe(1);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);

  it('exports and imports with Bulk API 2.0', async () => {
    const work = mkdtempSync(join(tmpdir(), 'sfgql-sf-bulk-'));
    try {
      await ok(
        [
          'data',
          'export',
          'bulk',
          '--query',
          'SELECT Id, Name FROM Account ORDER BY Name',
          '--output-file',
          'accounts.csv',
          '--wait',
          '2',
        ],
        work,
      );
      const lines = readFileSync(join(work, 'accounts.csv'), 'utf8').trim().split('\n');
      expect(lines[0]).toBe('"Id","Name"');
      expect(lines.length - 1).toBe(await count('SELECT Id FROM Account'));
      await ok(
        [
          'data',
          'export',
          'bulk',
          '--query',
          "SELECT Name FROM Account WHERE Name = 'Acme Corporation'",
          '--output-file',
          'acme.json',
          '--result-format',
          'json',
          '--wait',
          '2',
        ],
        work,
      );
      expect(JSON.parse(readFileSync(join(work, 'acme.json'), 'utf8'))).toEqual([
        { Name: 'Acme Corporation' },
      ]);

      writeFileSync(
        join(work, 'contacts.csv'),
        'LastName,Email\nBulkcli One,one@example.com\nBulkcli Two,two@example.com\n',
      );
      const imported = await ok(
        ['data', 'import', 'bulk', '--sobject', 'Contact', '--file', 'contacts.csv', '--wait', '2', '--json'],
        work,
      );
      expect(imported.result).toMatchObject({ processedRecords: 2, successfulRecords: 2, failedRecords: 0 });
      expect(await count("SELECT Id FROM Contact WHERE LastName LIKE 'Bulkcli%'")).toBe(2);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);

  it('describes and lists objects, searches and shows API limits', async () => {
    const describe = await ok(['sobject', 'describe', '--sobject', 'Account', '--json']);
    expect(describe.result.name).toBe('Account');
    expect(describe.result.fields.map((f: Rec) => f.name)).toEqual(
      expect.arrayContaining(['Name', 'BillingAddress']),
    );
    const list = await ok(['sobject', 'list', '--sobject', 'all', '--json']);
    expect(list.result).toEqual(expect.arrayContaining(['Account', 'Case', 'KnowledgeArticleVersion']));

    const search = await ok([
      'data',
      'search',
      '--query',
      'FIND {Acme} RETURNING Account(Name), Contact(Name)',
      '--json',
    ]);
    expect(search.result.searchRecords.map((r: Rec) => r.Name)).toEqual(
      expect.arrayContaining(['Acme Corporation', 'Sarah Johnson']),
    );

    const limits = await ok(['limits', 'api', 'display', '--json']);
    const daily = limits.result.find((l: Rec) => l.name === 'DailyApiRequests');
    expect(daily).toMatchObject({ max: 15000, remaining: expect.any(Number) });
    expect(daily.remaining).toBeLessThan(15000);
  }, 120_000);
});
