import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountOperations } from '../src/account/index.ts';
import { campaignOperations } from '../src/campaign/index.ts';
import { caseOperations } from '../src/case/index.ts';
import { contactOperations } from '../src/contact/index.ts';
import { OperationError } from '../src/errors.ts';
import { leadOperations } from '../src/lead/index.ts';
import type { Operation, ReadOperation, WriteOperation } from '../src/operation.ts';
import { opportunityOperations } from '../src/opportunity/index.ts';
import { productOperations } from '../src/product/index.ts';
import { taskOperations } from '../src/task/index.ts';
import { startTestOrg, type TestOrg } from './support.ts';

let org: TestOrg;
beforeAll(async () => {
  org = await startTestOrg();
});
afterAll(() => org.close());

const find = <T extends Operation>(ops: readonly Operation[], prefix: string) =>
  ops.find((o) => o.name.startsWith(prefix)) as T;

// For each object with the five generic operations: what to create, a term that finds it, and a change.
const cases = [
  {
    family: 'contacts',
    ops: contactOperations,
    create: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+1 (555) 010-0001' },
    term: 'Lovelace',
    update: { title: 'Countess' },
  },
  {
    family: 'leads',
    ops: leadOperations,
    create: { lastName: 'Hopper', company: 'Navy Labs', email: 'grace@example.com' },
    term: 'Navy',
    update: { status: 'Working - Contacted' },
  },
  {
    family: 'accounts',
    ops: accountOperations,
    create: { name: 'Analytical Engines Ltd', industry: 'Technology' },
    term: 'Analytical',
    update: { website: 'https://engines.example.com' },
  },
  {
    family: 'opportunities',
    ops: opportunityOperations,
    create: { name: 'Engine renewal', stageName: 'Prospecting', closeDate: '2026-06-30', amount: 1200 },
    term: 'Engine renewal',
    update: { stageName: 'Closed Won' },
  },
  {
    family: 'cases',
    ops: caseOperations,
    create: { subject: 'Difference engine jammed', priority: 'High', origin: 'Phone' },
    term: 'jammed',
    update: { status: 'Working' },
  },
  {
    family: 'tasks',
    ops: taskOperations,
    create: { subject: 'Send the quote', status: 'Not Started', priority: 'High' },
    term: 'quote',
    update: { status: 'Completed' },
  },
  {
    family: 'products',
    ops: productOperations,
    create: { name: 'Analytical Engine', productCode: 'AE-001', isActive: true },
    term: 'AE-001',
    update: { description: 'Steam powered' },
  },
  {
    family: 'campaigns',
    ops: campaignOperations,
    create: { name: 'Spring webinar', type: 'Webinar', status: 'Planned', isActive: true },
    term: 'Spring',
    update: { status: 'In Progress' },
  },
] as const;

describe.each(cases)('$family: search, get, create, update, delete', ({ ops, create, term, update }) => {
  const search = find<ReadOperation>(ops, 'search');
  const get = find<ReadOperation>(ops, 'get');
  const creator = find<WriteOperation>(ops, 'create');
  const updater = find<WriteOperation>(ops, 'update');
  const deleter = find<WriteOperation>(ops, 'delete');

  it('previews a create without writing, then creates, finds, updates and soft-deletes', async () => {
    // The preview checks the values against the org's describe, read once and kept: then no call.
    await org.ctx.client.describe(creator.object?.apiName ?? '');
    await org.resetCalls();
    const preview = await creator.prepare(org.ctx, create);
    expect(await org.calls()).toBe(0);
    expect(preview).toMatchObject({ action: 'create', recordId: null, destructive: false });
    expect(preview.changes.map((c) => c.field).sort()).toEqual(Object.keys(create).sort());

    const created = (await creator.execute(org.ctx, create)) as { id: string };
    expect(created.id).toMatch(/^\w{18}$/);

    const found = (await search.run(org.ctx, { term })) as { records: { id: string }[] };
    expect(found.records.map((r) => r.id)).toContain(created.id);
    const record = (await get.run(org.ctx, { id: created.id })) as Record<string, unknown>;
    for (const [key, value] of Object.entries(create)) expect(record[key]).toEqual(value);

    const change = await updater.prepare(org.ctx, { id: created.id, ...update });
    const [field, after] = Object.entries(update)[0] as [string, unknown];
    expect(change.changes).toEqual([{ field, before: record[field] ?? null, after }]);
    expect(change.systemModstamp).toMatch(/^\d{4}-/);
    await updater.execute(org.ctx, { id: created.id, ...update });
    expect(((await get.run(org.ctx, { id: created.id })) as Record<string, unknown>)[field]).toEqual(after);

    const removal = await deleter.prepare(org.ctx, { id: created.id });
    expect(removal).toMatchObject({ action: 'delete', destructive: true, recordId: created.id });
    expect(removal.summary).toContain('Recycle Bin');
    await deleter.execute(org.ctx, { id: created.id });
    expect(await get.run(org.ctx, { id: created.id })).toBeNull();
  });

  it('lists the 10 most recently modified without a term', async () => {
    const all = (await search.run(org.ctx, {})) as { records: unknown[] };
    expect(all.records.length).toBeLessThanOrEqual(10);
  });

  it('refuses bad input by field before calling Salesforce', async () => {
    await org.resetCalls();
    const bad = [{ ...create, unknownField__x: 1 }, { id: '003' }, { id: "500' OR Id != '" }];
    for (const input of bad) {
      const error = await creator.prepare(org.ctx, input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OperationError);
      expect((error as OperationError).code).toBe('INVALID_INPUT');
    }
    await expect(get.run(org.ctx, { id: 'not-an-id' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(updater.prepare(org.ctx, { id: '001000000000001' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(await org.calls()).toBe(0);
  });
});

describe('validation messages name the field and the reason', () => {
  const [, , createContact] = contactOperations as unknown as WriteOperation[];
  it.each([
    [{}, 'lastName'],
    [{ lastName: 'X', email: 'not-an-email' }, 'email'],
    [{ lastName: 'X', accountId: '003000000000001AAA' }, 'accountId'],
    [{ lastName: 'X', birthdate: '2026-02-30' }, 'birthdate'],
  ])('%j → %s', async (input, field) => {
    const error = (await (createContact as WriteOperation)
      .prepare(org.ctx, input)
      .catch((e: unknown) => e)) as OperationError;
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(field);
  });

  it('refuses a picklist value outside the list and a wrong date', async () => {
    const createOpp = find<WriteOperation>(opportunityOperations, 'create');
    await expect(
      createOpp.prepare(org.ctx, { name: 'x', stageName: 'Dreaming', closeDate: '2026-01-01' }),
    ).rejects.toThrow(/stageName/);
    await expect(
      createOpp.prepare(org.ctx, { name: 'x', stageName: 'Prospecting', closeDate: '01/02/2026' }),
    ).rejects.toThrow(/closeDate/);
  });

  it('keeps Salesforce errors typed with their code', async () => {
    const deleteCase = find<WriteOperation>(caseOperations, 'delete');
    await expect(deleteCase.execute(org.ctx, { id: '500000000000001AAA' })).rejects.toMatchObject({
      code: expect.stringMatching(/^SF_/),
    });
  });
});
