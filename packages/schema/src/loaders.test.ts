import { createSalesforceClient, type SalesforceClient, SalesforceError, soql } from '@sfgql/soql';
import { type DemoOrg, startDemoOrg } from '@sfgql/testing/demo-org';
import { type EmulatorControl, emulatorControl } from '@sfgql/testing/emulator-control';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLoaders } from './loaders.ts';

let org: DemoOrg;
let control: EmulatorControl;
let client: SalesforceClient;
let contactIds: string[];
let accountIds: string[];

beforeAll(async () => {
  org = await startDemoOrg();
  control = emulatorControl(org.emulator.url);
  client = createSalesforceClient({ session: org.session });
  const contacts = await client.query(
    soql`SELECT Id, AccountId FROM Contact WHERE AccountId != null LIMIT 3`,
  );
  contactIds = contacts.records.map((r) => String(r.Id));
  accountIds = [...new Set(contacts.records.map((r) => String(r.AccountId)))];
});
afterAll(() => org.close());
beforeEach(() => control.resetMetrics());

/** The SOQL statements the emulator answered since the last reset, each with how often. */
const statements = async () => (await control.metrics()).bySoql;
const calls = async () => (await control.metrics()).total;

const loaders = () => createLoaders(client, { childLevels: 5 });
const selection = { fields: ['Id', 'LastName'] };

describe('per-request loaders', () => {
  it('load the keys of one round in one query, and an Id with no record as null', async () => {
    const { records } = loaders();
    const missing = '003000000000000AAA';
    const found = await Promise.all(
      [...contactIds, missing].map((id) => records('Contact', selection).load(id)),
    );
    expect(found.map((r) => r?.Id ?? null)).toEqual([...contactIds, null]);
    expect(found.every((r) => r === null || typeof r.LastName === 'string')).toBe(true);
    const soqls = Object.keys(await statements());
    expect(soqls).toHaveLength(1);
    expect(soqls[0]).toMatch(/^SELECT Id, LastName FROM Contact WHERE Id IN \(/);
  });

  it('join loads made in later promise jobs and ticks of the same round', async () => {
    const { records } = loaders();
    const [first, second, third] = contactIds as [string, string, string];
    const now = records('Contact', selection).load(first);
    const soon = Promise.resolve().then(() => records('Contact', selection).load(second));
    const later = new Promise((resolve) => {
      queueMicrotask(() => process.nextTick(() => resolve(records('Contact', selection).load(third))));
    });
    expect(await Promise.all([now, soon, later])).toHaveLength(3);
    expect(await calls()).toBe(1);
  });

  it('cache each key for the request, per object and selection', async () => {
    const mine = loaders();
    const id = contactIds[0] as string;
    const a = await mine.records('Contact', selection).load(id);
    expect(await mine.records('Contact', { fields: ['Id', 'LastName'] }).load(id)).toBe(a);
    expect(await calls()).toBe(1);
    // Another selection is another loader; another request starts with an empty cache.
    await mine.records('Contact', { fields: ['Id', 'Email'] }).load(id);
    await loaders().records('Contact', selection).load(id);
    expect(await calls()).toBe(3);
  });

  it("load children per parent with the parent's subquery, in one query", async () => {
    const { children } = loaders();
    const child = { fields: ['Id', 'LastName'], orderBy: soql`LastName ASC`, limit: 2 };
    const lists = await Promise.all(accountIds.map((id) => children('Account', 'Contacts', child).load(id)));
    expect(lists.every((l) => l.length >= 1 && l.length <= 2)).toBe(true);
    const soqls = Object.keys(await statements());
    expect(soqls).toHaveLength(1);
    expect(soqls[0]).toContain('(SELECT Id, LastName FROM Contacts ORDER BY LastName ASC LIMIT 2)');
  });

  it('count children per parent with one aggregate query, zero for a parent without any', async () => {
    const { counts } = loaders();
    const childless = (
      await client.query(soql`SELECT Id FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact) LIMIT 1`)
    ).records[0]?.Id as string;
    await control.resetMetrics();
    const [withContacts, without] = await Promise.all([
      counts('Contact', 'AccountId', null).load(accountIds[0] as string),
      counts('Contact', 'AccountId', null).load(childless),
    ]);
    const expected = await client.query(
      soql`SELECT COUNT() FROM Contact WHERE AccountId = ${accountIds[0] as string}`,
    );
    expect(withContacts).toBe(expected.totalSize);
    expect(without).toBe(0);
    expect(Object.keys(await statements())[0]).toMatch(
      /COUNT\(Id\) n FROM Contact WHERE AccountId IN .* GROUP BY AccountId/,
    );
  });

  it('reject every key of a failed batch and forget them, so that a later load asks again', async () => {
    const { records } = loaders();
    const bad = records('Contact', { fields: ['Id', 'NoSuchField__c'] });
    const results = await Promise.allSettled(contactIds.map((id) => bad.load(id)));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(SalesforceError);
    }
    await expect(bad.load(contactIds[0] as string)).rejects.toThrow(/NoSuchField__c/);
    expect(await calls()).toBe(2);
  });
});
