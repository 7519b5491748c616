import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SalesforceSession } from '@sfgql/auth';
import type { RunningEmulator } from '@sfgql/emulator';
import { startDemoOrg } from '@sfgql/testing/demo-org';
import { type EmulatorControl, emulatorControl } from '@sfgql/testing/emulator-control';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceClient, httpDate, MAX_QUERY_URL_BYTES, MAX_SOQL_LENGTH } from './client.ts';
import { SalesforceError, toSalesforceError } from './errors.ts';
import { soql } from './soql.ts';

/**
 * Conditional writes and long queries against the emulator (what works on every Salesforce), and
 * the wire format of the conditional update against a server that records what it is sent. The
 * update refused with 412 by the emulator is in `client.precondition.emulator.test.ts`.
 */

let emulator: RunningEmulator;
let session: SalesforceSession;
let control: EmulatorControl;
// The emulator's clock, moved by hand so that "modified after" is unambiguous.
let clock = Date.parse('2026-03-01T10:00:00.000Z');

beforeAll(async () => {
  ({ emulator, session } = await startDemoOrg({ now: () => new Date(clock) }));
  control = emulatorControl(emulator.url);
});
afterAll(() => emulator.close());
beforeEach(() => control.resetMetrics());

const client = () => createSalesforceClient({ session, retry: { retries: 0 } });

async function newCase(subject: string): Promise<{ id: string; stamp: string }> {
  const { id } = await client().create('Case', { Subject: subject, Status: 'New' });
  const record = await client().retrieve('Case', id, ['SystemModstamp']);
  return { id, stamp: record.SystemModstamp as string };
}

describe('httpDate', () => {
  it('writes an HTTP date, rounding up to the whole second', () => {
    expect(httpDate('2026-03-01T10:00:03.000+0000')).toBe('Sun, 01 Mar 2026 10:00:03 GMT');
    expect(httpDate('2026-03-01T10:00:03.001Z')).toBe('Sun, 01 Mar 2026 10:00:04 GMT');
    expect(() => httpDate('yesterday')).toThrow(TypeError);
  });
});

describe('deleteIfUnmodified', () => {
  it('deletes an unchanged record in one call', async () => {
    const { id, stamp } = await newCase('Delete me');
    await control.resetMetrics();
    await client().deleteIfUnmodified('Case', id, stamp);
    expect((await control.metrics()).total).toBe(1);
    await expect(client().retrieve('Case', id)).rejects.toMatchObject({ code: 'SF_NOT_FOUND' });
  });

  it('refuses, deleting nothing, when the record changed after the stamp', async () => {
    const { id, stamp } = await newCase('Changed before its delete');
    clock += 5_000;
    await client().update('Case', id, { Status: 'Closed' });
    const error = await client()
      .deleteIfUnmodified('Case', id, stamp)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesforceError);
    expect(error).toMatchObject({ code: 'SF_PRECONDITION_FAILED', status: 412 });
    expect((await client().retrieve('Case', id, ['Status'])).Status).toBe('Closed');
  });

  it('reports a record that is gone as not found', async () => {
    const { id, stamp } = await newCase('Gone already');
    await client().delete('Case', id);
    await expect(client().deleteIfUnmodified('Case', id, stamp)).rejects.toMatchObject({
      code: 'SF_NOT_FOUND',
    });
  });
});

describe('updateIfUnmodified', () => {
  it('updates an unchanged record and reads it before and after, in one call', async () => {
    const { id, stamp } = await newCase('Update me');
    await control.resetMetrics();
    const change = await client().updateIfUnmodified('Case', id, { Status: 'Escalated' }, stamp);
    expect(change).toEqual({ before: { Id: id, Status: 'New' }, after: { Id: id, Status: 'Escalated' } });
    expect((await control.metrics()).total).toBe(1);
    expect((await client().retrieve('Case', id, ['Status'])).Status).toBe('Escalated');
  });

  it("keeps Salesforce's refusal of the write with its errorCode", async () => {
    const { id, stamp } = await newCase('Refused update');
    await expect(
      client().updateIfUnmodified('Case', id, { Status: 'Not a status' }, stamp),
    ).rejects.toMatchObject({
      code: 'SF_INVALID_DATA',
      errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      status: 400,
    });
  });

  it('sends the PATCH with If-Unmodified-Since inside one composite request', async () => {
    let received: { url?: string; body?: unknown } = {};
    const server: Server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      req.on('end', () => {
        received = { url: req.url, body: JSON.parse(text) };
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            compositeResponse: [
              { referenceId: 'before', httpStatusCode: 200, body: { Status: 'New' } },
              {
                referenceId: 'write',
                httpStatusCode: 412,
                body: [{ errorCode: 'PRECONDITION_FAILED', message: 'The record was modified' }],
              },
              { referenceId: 'after', httpStatusCode: 200, body: { Status: 'Closed' } },
            ],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const remote = createSalesforceClient({ session: { instanceUrl: url, accessToken: 'x' } });
      const error = await remote
        .updateIfUnmodified(
          'Case',
          '500000000000001AAA',
          { Status: 'Escalated' },
          '2026-03-01T09:00:00.000+0000',
        )
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'SF_PRECONDITION_FAILED',
        errorCode: 'PRECONDITION_FAILED',
        status: 412,
      });
      expect(received.url).toBe('/services/data/v60.0/composite');
      expect(received.body).toMatchObject({
        compositeRequest: [
          { method: 'GET', referenceId: 'before' },
          {
            method: 'PATCH',
            url: '/services/data/v60.0/sobjects/Case/500000000000001AAA',
            body: { Status: 'Escalated' },
            httpHeaders: { 'If-Unmodified-Since': 'Sun, 01 Mar 2026 09:00:00 GMT' },
          },
          { method: 'GET', referenceId: 'after' },
        ],
      });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('createAndRead', () => {
  it('creates a record and reads its fields back in one call', async () => {
    await control.resetMetrics();
    const created = await client().createAndRead('Case', { Subject: 'Numbered at once' }, [
      'CaseNumber',
      'Subject',
    ]);
    expect((await control.metrics()).total).toBe(1);
    expect(created).toMatchObject({
      id: expect.stringMatching(/^500/),
      success: true,
      record: { Id: created.id, CaseNumber: expect.stringMatching(/^\d{8}$/), Subject: 'Numbered at once' },
    });
    expect((await client().retrieve('Case', created.id, ['CaseNumber'])).CaseNumber).toBe(
      created.record?.CaseNumber,
    );
  });

  it("keeps Salesforce's refusal of the create, and writes nothing", async () => {
    const before = await client().query(soql`SELECT COUNT() FROM Case`);
    await expect(
      client().createAndRead('Case', { Subject: 'Refused', Status: 'Not a status' }, ['CaseNumber']),
    ).rejects.toMatchObject({
      code: 'SF_INVALID_DATA',
      errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    });
    expect((await client().query(soql`SELECT COUNT() FROM Case`)).totalSize).toBe(before.totalSize);
  });

  it('answers the record made even when the read after it fails', async () => {
    const created = await client().createAndRead('Case', { Subject: 'Read fails' }, ['NoSuchField']);
    expect(created).toMatchObject({ id: expect.stringMatching(/^500/), success: true, record: null });
    expect((await client().retrieve('Case', created.id, ['Subject'])).Subject).toBe('Read fails');
  });

  it('refuses names that are not Salesforce names, sending nothing', async () => {
    await control.resetMetrics();
    await expect(client().createAndRead('Case', {}, ['Subject,Owner.Password'])).rejects.toThrow(TypeError);
    await expect(client().createAndRead('Case; DROP', {}, ['Id'])).rejects.toThrow(TypeError);
    expect((await control.metrics()).total).toBe(0);
  });
});

describe('queryMany', () => {
  it('runs several queries in one call, each answer in its place', async () => {
    await control.resetMetrics();
    const [cases, contacts, none] = await client().queryMany([
      soql`SELECT CaseNumber FROM Case WHERE CaseNumber = ${'00001104'}`,
      soql`SELECT Name FROM Contact WHERE Name = ${'Sarah Johnson'}`,
      soql`SELECT Id FROM Account WHERE Name = ${"nobody' OR Name != '"}`,
    ]);
    expect((await control.metrics()).total).toBe(1);
    expect(cases?.records.map((r) => r.CaseNumber)).toEqual(['00001104']);
    expect(contacts?.records.map((r) => r.Name)).toEqual(['Sarah Johnson']);
    expect(none?.records).toEqual([]);
  });

  it('takes one call per five queries, one plain query for one, and none for none', async () => {
    const statements = Array.from({ length: 7 }, (_, i) => soql`SELECT Id FROM Case LIMIT ${i + 1}`);
    await control.resetMetrics();
    const answers = await client().queryMany(statements);
    expect(answers.map((a) => a.records.length)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((await control.metrics()).total).toBe(2);
    await control.resetMetrics();
    await client().queryMany([soql`SELECT Id FROM Case LIMIT 1`]);
    expect(Object.keys((await control.metrics()).byResource)).toEqual(['GET /query']);
    expect(await client().queryMany([])).toEqual([]);
  });

  it("reports a query's error as a query does", async () => {
    await expect(
      client().queryMany([soql`SELECT Id FROM Case`, soql`SELECT Nope FROM Case`]),
    ).rejects.toMatchObject({ code: 'SF_QUERY_INVALID', errorCode: 'INVALID_FIELD' });
  });
});

describe('long queries', () => {
  it('sends a query whose URL would pass the limit in a composite request: one call, the same answer', async () => {
    const { id } = await newCase('Found among many');
    // 1,000 Ids: an IN list whose URL passes 16 KB, which Salesforce would refuse (431).
    const ids = [id, ...Array.from({ length: 999 }, (_, i) => `500${String(i).padStart(12, '0')}AAA`)];
    const statement = soql`SELECT Id, Subject FROM Case WHERE Id IN (${soql.join(
      ids.map((v) => soql`${v}`),
      ', ',
    )})`;
    expect(Buffer.byteLength(encodeURIComponent(statement.text))).toBeGreaterThan(MAX_QUERY_URL_BYTES);
    await control.resetMetrics();
    const result = await client().query(statement);
    expect(result.records.map((r) => r.Subject)).toEqual(['Found among many']);
    const metrics = await control.metrics();
    expect(metrics.total).toBe(1);
    expect(Object.keys(metrics.byResource)).toEqual(['POST /composite']);
  });

  it('refuses a statement longer than Salesforce takes, without sending it', async () => {
    const long = 'x'.repeat(900);
    const values = Array.from({ length: 120 }, (_, i) => soql`${`${long}${i}`}`);
    const statement = soql`SELECT Id FROM Case WHERE Subject IN (${soql.join(values, ', ')})`;
    expect(statement.text.length).toBeGreaterThan(MAX_SOQL_LENGTH);
    await control.resetMetrics();
    await expect(client().query(statement)).rejects.toMatchObject({
      code: 'SF_QUERY_INVALID',
      errorCode: 'QUERY_TOO_LONG',
    });
    expect((await control.metrics()).total).toBe(0);
  });
});

describe('toSalesforceError', () => {
  it('tells a refusal (4xx) from a failure (5xx, no answer), and a failed precondition from both', () => {
    expect(toSalesforceError({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', status: 400 })).toMatchObject({
      code: 'SF_REFUSED',
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
      status: 400,
    });
    expect(toSalesforceError({ errorCode: 'DUPLICATE_VALUE', status: 400 })).toMatchObject({
      code: 'SF_CONFLICT',
    });
    expect(toSalesforceError({ errorCode: 'UNKNOWN_EXCEPTION', status: 500 })).toMatchObject({
      code: 'SF_REQUEST_FAILED',
      status: 500,
    });
    expect(
      toSalesforceError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
    ).toMatchObject({
      code: 'SF_REQUEST_FAILED',
      status: undefined,
    });
    expect(toSalesforceError({ errorCode: 'ERROR_HTTP_412', status: 412 })).toMatchObject({
      code: 'SF_PRECONDITION_FAILED',
    });
  });
});
