import type { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call, connect, login } from '../test-helpers.ts';
import { parseHttpDate } from './preconditions.ts';

/**
 * Conditional requests on sObject rows, alone and inside /composite: a write guarded by the date
 * or ETag a client read must not overwrite a change made since.
 */
let emulator: RunningEmulator;
let token: string;
let conn: Connection;
let clock = new Date('2026-02-12T10:00:00.250Z');
const V = '/services/data/v60.0';
let id: string;

const tick = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
const row = (headers: Record<string, string> = {}) =>
  call(emulator, token, 'GET', `${V}/sobjects/Account/${id}`, undefined, headers);
const patch = (body: unknown, headers: Record<string, string>) =>
  call(emulator, token, 'PATCH', `${V}/sobjects/Account/${id}`, body, headers);

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:', now: () => clock });
  token = await login(emulator);
  conn = await connect(emulator);
});
afterAll(() => emulator.close());
beforeEach(async () => {
  const created = await call(emulator, token, 'POST', `${V}/sobjects/Account`, { Name: 'Guarded Ltd' });
  id = created.body.id;
  tick(2000);
});

describe('GET with ETag and Last-Modified', () => {
  it('answers 304 with no body while the record has not changed, and 200 once it has', async () => {
    const first = await row();
    const etag = first.headers.get('etag') as string;
    const lastModified = first.headers.get('last-modified') as string;
    expect(etag).toMatch(/^"[A-Za-z0-9+/]{27}="$/);
    expect(lastModified).toBe(new Date(Date.parse(first.body.LastModifiedDate)).toUTCString());

    const conditions: Record<string, string>[] = [
      { 'If-None-Match': etag },
      { 'If-None-Match': `W/${etag}` },
      { 'If-None-Match': `"other", ${etag.replace(/"$/, '-gzip"')}` },
      { 'If-Modified-Since': lastModified },
    ];
    for (const headers of conditions) {
      const again = await row(headers);
      expect(again.status, JSON.stringify(headers)).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
    }
    expect((await row({ 'If-Modified-Since': 'not a date' })).status).toBe(200);

    tick(1000);
    expect((await patch({ Phone: '555-0100' }, {})).status).toBe(204);
    const changed = await row({ 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect((await row({ 'If-Modified-Since': lastModified })).status).toBe(200);
  });
});

describe('If-Unmodified-Since on writes', () => {
  it('writes when the record is unchanged since the date, at second precision', async () => {
    const preview = await row();
    // The HTTP-date drops the milliseconds of LastModifiedDate (…:02.250): still unmodified since.
    const since = new Date(preview.body.LastModifiedDate.replace(/\+0000$/, 'Z')).toUTCString();
    expect((await patch({ Phone: '555-0101' }, { 'If-Unmodified-Since': since })).status).toBe(204);
  });

  it('answers 412 PRECONDITION_FAILED and writes nothing when the record changed since', async () => {
    const preview = await row();
    const since = new Date(Date.parse(preview.body.LastModifiedDate)).toUTCString();
    tick(1000);
    expect((await patch({ Phone: '555-0102' }, {})).status).toBe(204);
    const stale = await patch({ Phone: '555-0199' }, { 'If-Unmodified-Since': since });
    expect(stale.status).toBe(412);
    expect(stale.body).toEqual([
      { errorCode: 'PRECONDITION_FAILED', message: expect.stringContaining('If-Unmodified-Since') },
    ]);
    expect((await row()).body.Phone).toBe('555-0102');

    const deleted = await call(emulator, token, 'DELETE', `${V}/sobjects/Account/${id}`, undefined, {
      'If-Unmodified-Since': since,
    });
    expect(deleted.status).toBe(412);
    expect((await row()).status).toBe(200);
    const current = (await row()).headers.get('last-modified') as string;
    const ok = await call(emulator, token, 'DELETE', `${V}/sobjects/Account/${id}`, undefined, {
      'If-Unmodified-Since': current,
    });
    expect(ok.status).toBe(204);
  });

  it('refuses a date that is not an HTTP-date on a write with 400, and ignores it on a read', async () => {
    for (const value of ['2026-02-12T10:00:00.000+0000', 'yesterday', '']) {
      const response = await patch({ Phone: '555-0103' }, { 'If-Unmodified-Since': value });
      expect(response.status, value).toBe(400);
      expect(response.body[0].errorCode).toBe('INVALID_HEADER_VALUE');
      expect((await row({ 'If-Unmodified-Since': value })).status).toBe(200);
    }
    expect((await row()).body.Phone).toBeNull();
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it('makes jsforce calls with the header fail with the error code', async () => {
    const since = new Date(clock.getTime() - 10_000).toUTCString();
    await expect(
      conn
        .sobject('Account')
        .update({ Id: id, Phone: '555-0104' }, { headers: { 'If-Unmodified-Since': since } }),
    ).rejects.toMatchObject({ errorCode: 'PRECONDITION_FAILED' });
  });
});

describe('If-Match and If-None-Match on writes', () => {
  it('writes only when an ETag of the list is the current one (or *)', async () => {
    const etag = (await row()).headers.get('etag') as string;
    expect((await patch({ Phone: '1' }, { 'If-Match': '"stale="' })).status).toBe(412);
    expect((await patch({ Phone: '2' }, { 'If-Match': `"stale=", ${etag}` })).status).toBe(204);
    // The record changed: the ETag read before no longer matches.
    const stale = await patch({ Phone: '3' }, { 'If-Match': etag });
    expect(stale.status).toBe(412);
    expect(stale.body[0]).toMatchObject({ errorCode: 'PRECONDITION_FAILED' });
    expect((await patch({ Phone: '4' }, { 'If-Match': '*' })).status).toBe(204);
    expect((await patch({ Phone: '5' }, { 'If-Match': 'no quotes' })).status).toBe(400);
    const current = (await row()).headers.get('etag') as string;
    expect((await patch({ Phone: '6' }, { 'If-None-Match': current })).status).toBe(412);
    expect((await patch({ Phone: '7' }, { 'If-None-Match': '"other="' })).status).toBe(204);
    expect((await row()).body.Phone).toBe('7');
  });
});

describe('conditional writes inside /composite', () => {
  it('shows the 412 of a guarded PATCH and halts its read-back with allOrNone', async () => {
    const since = (await row()).headers.get('last-modified') as string;
    tick(1000);
    await patch({ Phone: '555-0200' }, {});
    const response = await call(emulator, token, 'POST', `${V}/composite`, {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'PATCH',
          url: `${V}/sobjects/Account/${id}`,
          referenceId: 'write',
          body: { Phone: '555-0299' },
          httpHeaders: { 'If-Unmodified-Since': since },
        },
        { method: 'GET', url: `${V}/sobjects/Account/${id}`, referenceId: 'readBack' },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.compositeResponse).toEqual([
      {
        body: [{ errorCode: 'PRECONDITION_FAILED', message: expect.stringContaining('If-Unmodified-Since') }],
        httpHeaders: {},
        httpStatusCode: 412,
        referenceId: 'write',
      },
      {
        body: [
          {
            errorCode: 'PROCESSING_HALTED',
            message:
              'The transaction was rolled back since another operation in the same transaction failed.',
          },
        ],
        httpHeaders: {},
        httpStatusCode: 400,
        referenceId: 'readBack',
      },
    ]);
    expect((await row()).body.Phone).toBe('555-0200');
  });

  it('writes and reads back in one call when the record is unchanged, with the ETag of the new state', async () => {
    const since = (await row()).headers.get('last-modified') as string;
    tick(1000);
    const response = await call(emulator, token, 'POST', `${V}/composite`, {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'PATCH',
          url: `${V}/sobjects/Account/${id}`,
          referenceId: 'write',
          body: { Phone: '555-0300' },
          httpHeaders: { 'If-Unmodified-Since': since },
        },
        { method: 'GET', url: `${V}/sobjects/Account/${id}?fields=Phone`, referenceId: 'readBack' },
        {
          method: 'POST',
          url: `${V}/sobjects/Contact`,
          referenceId: 'newContact',
          body: { LastName: 'Read' },
        },
        { method: 'GET', url: `${V}/sobjects/Contact/@{newContact.id}`, referenceId: 'newBack' },
      ],
    });
    const [write, readBack, , newBack] = response.body.compositeResponse;
    expect(write).toEqual({ body: null, httpHeaders: {}, httpStatusCode: 204, referenceId: 'write' });
    expect(readBack).toMatchObject({
      httpStatusCode: 200,
      body: { Phone: '555-0300', Id: id },
      httpHeaders: {
        ETag: (await row()).headers.get('etag'),
        'Last-Modified': expect.stringMatching(/GMT$/),
      },
    });
    expect(newBack).toMatchObject({ httpStatusCode: 200, body: { LastName: 'Read' } });
  });

  it('without allOrNone, reports the 412 and still runs the read-back', async () => {
    const since = (await row()).headers.get('last-modified') as string;
    tick(1000);
    await patch({ Phone: '555-0400' }, {});
    const response = await call(emulator, token, 'POST', `${V}/composite`, {
      compositeRequest: [
        {
          method: 'PATCH',
          url: `${V}/sobjects/Account/${id}`,
          referenceId: 'write',
          body: { Phone: '555-0499' },
          httpHeaders: { 'If-Unmodified-Since': since },
        },
        { method: 'GET', url: `${V}/sobjects/Account/${id}?fields=Phone`, referenceId: 'readBack' },
      ],
    });
    const [write, readBack] = response.body.compositeResponse;
    expect(write.httpStatusCode).toBe(412);
    expect(readBack).toMatchObject({ httpStatusCode: 200, body: { Phone: '555-0400' } });
  });
});
