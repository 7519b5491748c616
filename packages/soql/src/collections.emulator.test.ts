import type { SalesforceSession } from '@sfgql/auth';
import type { RunningEmulator } from '@sfgql/emulator';
import { startDemoOrg } from '@sfgql/testing/demo-org';
import { emulatorControl } from '@sfgql/testing/emulator-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesforceClient } from './client.ts';
import { soql } from './soql.ts';

let emulator: RunningEmulator;
let session: SalesforceSession;
beforeAll(async () => {
  ({ emulator, session } = await startDemoOrg());
});
afterAll(() => emulator.close());

const client = () => createSalesforceClient({ session, retry: { retries: 0 } });

describe('upsert by an external id', () => {
  it('creates the record the first time and updates it the second, saying which', async () => {
    const c = client();
    const first = await c.upsert('Product2', 'ExternalId', 'ERP-42', { Name: 'Widget', IsActive: true });
    expect(first).toMatchObject({ success: true, created: true, id: expect.stringMatching(/^01t/) });
    const second = await c.upsert('Product2', 'ExternalId', 'ERP-42', { Name: 'Widget Pro' });
    expect(second).toMatchObject({ success: true, created: false, id: first.id });
    const row = await c.query(soql`SELECT Name FROM Product2 WHERE ExternalId = ${'ERP-42'}`);
    expect(row.records.map((r) => r.Name)).toEqual(['Widget Pro']);
  });

  it('refuses a field that names no record (neither an external id nor a lookup field), writing nothing', async () => {
    const c = client();
    await expect(c.upsert('Product2', 'Family', 'Software', { Name: 'Never written' })).rejects.toMatchObject(
      {
        errorCode: 'NOT_FOUND',
      },
    );
    expect((await c.query(soql`SELECT Id FROM Product2 WHERE Name = 'Never written'`)).totalSize).toBe(0);
  });
});

describe('sObject Collections', () => {
  it('creates, updates and deletes up to 200 records in one call each', async () => {
    const c = client();
    const control = emulatorControl(emulator.url);
    await control.resetMetrics();
    const created = await c.saveMany(
      'Contact',
      Array.from({ length: 50 }, (_, i) => ({ LastName: `Batch ${i}` })),
    );
    expect(created).toHaveLength(50);
    expect(created.every((r) => r.success && r.id?.startsWith('003'))).toBe(true);
    const ids = created.map((r) => r.id as string);
    const updated = await c.saveMany(
      'Contact',
      ids.map((Id) => ({ Id, Title: 'Tester' })),
    );
    expect(updated.every((r) => r.success)).toBe(true);
    const deleted = await c.deleteMany(ids);
    expect(deleted.every((r) => r.success)).toBe(true);
    expect((await control.metrics()).total).toBe(3);
    const left = await c.query(soql`SELECT Id FROM Contact WHERE Id IN ${ids}`);
    expect(left.totalSize).toBe(0);
  });

  it('writes nothing of an all-or-none batch with one bad record, and says which failed', async () => {
    const c = client();
    const results = await c.saveMany('Contact', [{ LastName: 'Fine' }, { FirstName: 'No last name' }]);
    expect(results.map((r) => r.success)).toEqual([false, false]);
    expect(results[1]?.errors[0]?.statusCode).toBe('REQUIRED_FIELD_MISSING');
    expect(results[0]?.errors[0]?.statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect((await c.query(soql`SELECT Id FROM Contact WHERE LastName = 'Fine'`)).totalSize).toBe(0);
  });

  it('refuses more than 200 records, or a mix of creates and updates, before sending anything', async () => {
    const c = client();
    await expect(
      c.saveMany(
        'Contact',
        Array.from({ length: 201 }, () => ({ LastName: 'x' })),
      ),
    ).rejects.toThrow(/1 to 200/);
    await expect(
      c.saveMany('Contact', [{ LastName: 'x' }, { Id: '003000000000001AAA', LastName: 'y' }]),
    ).rejects.toThrow(/either creates/);
    await expect(c.deleteMany([])).rejects.toThrow(/1 to 200/);
  });
});
