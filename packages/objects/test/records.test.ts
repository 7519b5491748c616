import { createConfirmation } from '@sfgql/confirm';
import { soql } from '@sfgql/soql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfirmedWrite } from '../src/confirmed.ts';
import type { WriteOperation } from '../src/operation.ts';
import { createRecords, deleteRecords, updateRecords, upsertRecord } from '../src/records/index.ts';
import { startTestOrg, type TestOrg } from './support.ts';

let org: TestOrg;
beforeAll(async () => {
  org = await startTestOrg();
});
afterAll(() => org.close());

const principal = { userId: '005000000000001AAA', orgId: '00D000000000001AAA', clientId: 'test' };
const confirmation = createConfirmation({ keys: { current: 'records-test-secret-of-32-bytes-at-least!' } });

/** Previews, then performs with the token: what each step answered and cost. */
async function confirmAndRun(op: WriteOperation, input: unknown) {
  const ctx = { ...org.ctx, principal, confirmation };
  await org.resetCalls();
  const first = await runConfirmedWrite(op, ctx, input);
  if (first.kind !== 'preview') throw new Error(`expected a preview, got ${JSON.stringify(first)}`);
  const previewCalls = await org.calls();
  await org.resetCalls();
  const done = await runConfirmedWrite(op, { ...ctx, token: first.confirmation.token }, input);
  return { preview: first.confirmation, done, previewCalls, writeCalls: await org.calls() };
}

describe('batch writes under one confirmation', () => {
  it('creates, updates and deletes 50 records, each under one confirmation, in one call to write them', async () => {
    const people = Array.from({ length: 50 }, (_, i) => ({
      firstName: 'Batch',
      lastName: `Person ${i + 1}`,
    }));
    const created = await confirmAndRun(createRecords, { object: 'Contact', records: people });
    expect(created.preview.summary).toMatch(
      /^Create 50 contacts: Batch Person 1, Batch Person 2, .* and Batch Person 50\.$/,
    );
    expect(created.previewCalls).toBe(0);
    expect(created.writeCalls).toBe(1);
    const results = (
      created.done as { kind: 'done'; result: { success: boolean; results: { id: string }[] } }
    ).result;
    expect(results.success).toBe(true);
    const ids = results.results.map((r) => r.id);

    const updated = await confirmAndRun(updateRecords, {
      object: 'Contact',
      records: ids.map((id) => ({ id, title: 'Tester' })),
    });
    expect(updated.preview.summary).toContain('Batch Person 7 (title from empty to "Tester")');
    expect(updated.preview.changes).toHaveLength(50);
    expect(updated.previewCalls).toBe(1);
    // The check that none changed since the preview (sObject Collections take no precondition), and the write.
    expect(updated.writeCalls).toBe(2);

    const deleted = await confirmAndRun(deleteRecords, { object: 'Contact', ids });
    expect(deleted.preview.summary).toMatch(
      /^Delete 50 contacts: Batch Person 1, .* and Batch Person 50\. They go to the Recycle Bin/,
    );
    expect(deleted.writeCalls).toBe(2);
  });

  it('never overwrites a record of the batch changed after the preview: stale, nothing written', async () => {
    const ctx = { ...org.ctx, principal, confirmation };
    const made = await org.ctx.client.saveMany('Contact', [{ LastName: 'Stale A' }, { LastName: 'Stale B' }]);
    const ids = made.map((r) => r.id as string);
    const input = { object: 'Contact', records: ids.map((id) => ({ id, title: 'Batch title' })) };
    const first = await runConfirmedWrite(updateRecords, ctx, input);
    if (first.kind !== 'preview') throw new Error('expected a preview');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await org.ctx.client.update('Contact', ids[1] as string, { Title: 'Changed meanwhile' });
    const error = await runConfirmedWrite(
      updateRecords,
      { ...ctx, token: first.confirmation.token },
      input,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIRMATION_STALE' });
    const titles = await org.ctx.client.query(
      soql`SELECT Title FROM Contact WHERE Id IN ${ids} ORDER BY LastName`,
    );
    expect(titles.records.map((r) => r.Title)).toEqual([null, 'Changed meanwhile']);
  });

  it('binds the token to exactly the set previewed: another set is refused', async () => {
    const ctx = { ...org.ctx, principal, confirmation };
    const input = { object: 'Contact', records: [{ lastName: 'Only one' }] };
    const first = await runConfirmedWrite(createRecords, ctx, input);
    if (first.kind !== 'preview') throw new Error('expected a preview');
    await expect(
      runConfirmedWrite(
        createRecords,
        { ...ctx, token: first.confirmation.token },
        { object: 'Contact', records: [{ lastName: 'Only one' }, { lastName: 'And another' }] },
      ),
    ).rejects.toMatchObject({ code: 'CONFIRMATION_MISMATCH' });
  });

  it('refuses bad records before any preview, naming which', async () => {
    await expect(
      createRecords.prepare(org.ctx, {
        object: 'Contact',
        records: [{ lastName: 'x' }, { email: 'not-an-email' }],
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('records[1]'),
    });
    await expect(
      deleteRecords.prepare(org.ctx, { object: 'Contact', ids: ['001000000000001AAA'] }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(
      createRecords.prepare(org.ctx, {
        object: 'Contact',
        records: Array.from({ length: 201 }, () => ({ lastName: 'x' })),
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});

describe('upsert by an external id', () => {
  it('previews a create when no record has the key, then an update with before and after', async () => {
    const input = {
      object: 'Product2',
      externalIdField: 'ExternalId',
      externalId: 'ERP-7',
      values: { name: 'Gadget', isActive: true },
    };
    const insert = await confirmAndRun(upsertRecord, input);
    expect(insert.preview.summary).toMatch(
      /^Create the product "Gadget" \(ExternalId ERP-7: none has it yet\)/,
    );
    expect(insert.done).toMatchObject({ kind: 'done', result: { created: true } });
    const update = await confirmAndRun(upsertRecord, { ...input, values: { name: 'Gadget Pro' } });
    expect(update.preview.summary).toBe(
      'Update the product "Gadget" (ExternalId ERP-7): name from "Gadget" to "Gadget Pro".',
    );
    expect(update.done).toMatchObject({ kind: 'done', result: { created: false } });
  });

  it('refuses a field that is no External ID field, naming the ones there are', async () => {
    await expect(
      upsertRecord.prepare(org.ctx, {
        object: 'Product2',
        externalIdField: 'Name',
        externalId: 'x',
        values: {},
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('ExternalId') });
  });
});
