import type { RunningEmulator } from '@sfgql/emulator';
import { startDemoOrg } from '@sfgql/testing/demo-org';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSalesforceClient, type SalesforceClient } from './client.ts';
import { soql } from './soql.ts';
import { hasSearchableWord, sosl } from './sosl.ts';

let emulator: RunningEmulator;
let client: SalesforceClient;
beforeAll(async () => {
  const org = await startDemoOrg();
  emulator = org.emulator;
  const session = org.session;
  client = createSalesforceClient({ session });
});
afterAll(() => emulator.close());

it('emits SOSL the server always parses, whatever the text (property)', async () => {
  const reserved = fc.constantFrom(
    '?',
    '&',
    '|',
    '!',
    '{',
    '}',
    '[',
    ']',
    '(',
    ')',
    '^',
    '~',
    '*',
    ':',
    '\\',
    '"',
    "'",
    '+',
    '-',
    ' AND ',
    ' OR ',
    ' AND NOT ',
    '%',
    '_',
    'é',
    '😀',
  );
  const text = fc
    .array(fc.oneof(reserved, fc.string({ minLength: 1, maxLength: 5 })), { minLength: 1, maxLength: 10 })
    .map((parts) => parts.join(''))
    .filter(hasSearchableWord);
  await fc.assert(
    fc.asyncProperty(text, async (term) => {
      const statement = sosl.find(term, {
        returning: [{ object: 'Contact', fields: ['Id'], where: soql`Email != ${null}` }],
        limit: 5,
      });
      // Any refusal would be a MALFORMED_SEARCH: the escaping must leave nothing for the parser to trip on.
      const found = await client.search(statement);
      expect(Array.isArray(found)).toBe(true);
    }),
    { numRuns: 1000 },
  );
}, 180_000);

it('finds a record by the exact hostile text it was written with', async () => {
  for (const hostile of ["O'Brien-Smith (VIP)", 'x+y=z? {ok}', 'A&B "quoted" ~tilde']) {
    const { id } = await client.create('Account', { Name: hostile });
    const found = await client.search(
      sosl.find(hostile, {
        in: 'NAME',
        match: 'phrase',
        returning: [{ object: 'Account', fields: ['Id', 'Name'] }],
      }),
    );
    expect(found.map((r) => r.Id)).toContain(id);
  }
});
