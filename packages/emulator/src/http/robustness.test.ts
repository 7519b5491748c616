import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call, login } from '../test-helpers.ts';

let emulator: RunningEmulator;
let token: string;
let clock = new Date('2026-03-02T12:00:00.000Z');

beforeAll(async () => {
  emulator = await startEmulator({
    dataDir: ':memory:',
    now: () => clock,
    sessionLifetimeMs: 10 * 60 * 1000,
  });
  token = await login(emulator);
});
afterAll(() => emulator.close());

const rows = () =>
  ['Account', 'Contact', 'Case', 'Event', 'Opportunity']
    .map(
      (t) =>
        emulator.org.db.prepare(`SELECT COUNT(*) AS n, MAX("SystemModstamp") AS m FROM "${t}"`).get() as {
          n: number;
          m: string;
        },
    )
    .map((r) => `${r.n}@${r.m}`)
    .join(',');

const FIELDS = [
  'LastName',
  'FirstName',
  'Email',
  'AccountId',
  'Birthdate',
  'DoNotCall',
  'Name',
  'Id',
  'Nope__c',
  'LeadSource',
  'Subject',
  'Status',
  'StartDateTime',
  'DurationInMinutes',
  'Amount',
  'CloseDate',
  'StageName',
  'attributes',
];
const value = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '',
    'New',
    'Closed',
    '2026-02-12',
    '2026-02-12T10:00:00Z',
    '001000000000000AAA',
    'true',
    '5',
    'x@y.co',
    'a'.repeat(300),
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);

describe('robustness', () => {
  it('never answers 500, and a refused write changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('Account', 'Contact', 'Case', 'Event', 'Opportunity'),
        fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 }),
        async (type, body) => {
          const before = rows();
          const response = await call(emulator, token, 'POST', `/services/data/v60.0/sobjects/${type}`, body);
          expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
          if (response.status !== 201) {
            expect(response.body[0]).toMatchObject({
              errorCode: expect.any(String),
              message: expect.any(String),
            });
            expect(rows()).toBe(before);
          }
        },
      ),
      { numRuns: 250 },
    );
  });

  it('never answers 500 to arbitrary text bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json()), async (text) => {
        const response = await call(emulator, token, 'POST', '/services/data/v60.0/sobjects/Contact', text);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });

  it('expires sessions after their lifetime', async () => {
    const shortLived = await login(emulator);
    expect((await call(emulator, shortLived, 'GET', '/services/data/v60.0/limits')).status).toBe(200);
    clock = new Date(clock.getTime() + 10 * 60 * 1000 + 1);
    const expired = await call(emulator, shortLived, 'GET', '/services/data/v60.0/limits');
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);
    token = await login(emulator);
  });
});
