import type { RunningEmulator } from '@sfgql/emulator';
import { startDemoOrg } from '@sfgql/testing/demo-org';
import { emulatorControl } from '@sfgql/testing/emulator-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesforceClient, type SalesforceClient } from './client.ts';
import { loadChildrenByParentId, loadRecordsById } from './loaders.ts';
import { planQuery } from './planner.ts';
import { soql } from './soql.ts';

let emulator: RunningEmulator;
let client: SalesforceClient;
const metrics = async () => (await emulatorControl(emulator.url).metrics()).total;
const resetMetrics = () => emulatorControl(emulator.url).resetMetrics();

beforeAll(async () => {
  const org = await startDemoOrg();
  emulator = org.emulator;
  await emulatorControl(emulator.url).seed(300);
  client = createSalesforceClient({ session: org.session });
});
afterAll(() => emulator.close());

describe('the planner against the emulator', () => {
  it('fetches contacts with their account and their last five cases in one call', async () => {
    const plan = planQuery({
      object: 'Contact',
      fields: ['Name', 'Email'],
      parents: { Account: { fields: ['Name'], parents: { Owner: { fields: ['Name'] } } } },
      children: { Cases: { fields: ['CaseNumber', 'Status'], orderBy: soql`CreatedDate DESC`, limit: 5 } },
      orderBy: soql`Name`,
      limit: 50,
    });
    await resetMetrics();
    const result = await client.query(plan.statement);
    expect(await metrics()).toBe(1);
    expect(result.records.length).toBe(50);
    const withCases = result.records.filter((r) => r.Cases);
    expect(withCases.length).toBeGreaterThan(0);
    for (const contact of withCases) {
      const cases = contact.Cases as { records: { CaseNumber: string }[] };
      expect(cases.records.length).toBeLessThanOrEqual(5);
    }
    expect(result.records.some((r) => (r.Account as { Owner?: { Name?: string } } | null)?.Owner?.Name)).toBe(
      true,
    );
  });
});

describe('TYPEOF and nested subqueries against the emulator', () => {
  it('fetches accounts, their opportunities with line items and products, and the tasks about them in one call', async () => {
    const plan = planQuery(
      {
        object: 'Account',
        fields: ['Name'],
        children: {
          Opportunities: {
            fields: ['Name'],
            children: {
              OpportunityLineItems: { fields: ['Quantity'], parents: { Product2: { fields: ['Name'] } } },
            },
          },
          Tasks: {
            fields: ['Subject'],
            typeOf: { Who: { Contact: ['Id', 'Email'], Lead: ['Id', 'Company'] } },
          },
        },
        where: soql`Name = 'Acme Corporation'`,
      },
      { childLevels: 5 },
    );
    expect(plan.deferred).toEqual([]);
    await resetMetrics();
    const result = await client.query(plan.statement);
    expect(await metrics()).toBe(1);
    const acme = result.records[0] as Record<string, unknown>;
    const opportunities = acme.Opportunities as { records: Record<string, unknown>[] };
    const items = opportunities.records.flatMap(
      (o) => (o.OpportunityLineItems as { records: Record<string, unknown>[] } | null)?.records ?? [],
    );
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => typeof (i.Product2 as { Name?: string }).Name === 'string')).toBe(true);
  });
});

describe('batch loaders against the emulator', () => {
  it('loads 250 records by Id in two calls, and the children of 250 parents with a per-parent limit in two calls', async () => {
    const contacts = await client.query<{ Id: string }>(soql`SELECT Id FROM Contact ORDER BY Id LIMIT 250`);
    const ids = contacts.records.map((r) => r.Id);
    await resetMetrics();
    const byId = await loadRecordsById(client, {
      object: 'Contact',
      selection: { fields: ['Name'], parents: { Account: { fields: ['Name'] } } },
      ids: [...ids, ...ids],
    });
    expect(await metrics()).toBe(2);
    expect(byId.size).toBe(250);

    await resetMetrics();
    const cases = await loadChildrenByParentId(client, {
      parentObject: 'Contact',
      relationship: 'Cases',
      selection: { fields: ['CaseNumber'], orderBy: soql`CreatedDate DESC`, limit: 2 },
      parentIds: ids,
    });
    expect(await metrics()).toBe(2);
    expect(cases.size).toBe(250);
    expect([...cases.values()].every((list) => list.length <= 2)).toBe(true);
    expect([...cases.values()].some((list) => list.length > 0)).toBe(true);
  });
});
