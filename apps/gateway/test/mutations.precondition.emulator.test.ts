import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

/**
 * The lost update through the gateway: an update confirmed after someone else changed the record
 * is refused (Salesforce's 412 to `If-Unmodified-Since`) with a fresh confirmation, and the other
 * change stays. (This needs the emulator's conditional request headers.)
 */

let h: Harness;
// biome-ignore lint/suspicious/noExplicitAny: response shapes are checked by the assertions
type Data = any;
let skew = 0;
beforeAll(async () => {
  h = await startHarness({ now: () => new Date(Date.now() + skew) });
});
afterAll(() => h.close());

const update =
  'mutation ($id: ID!, $s: String, $t: String) { updateCase(id: $id, input: { status: $s }, confirmationToken: $t) { __typename ... on ConfirmationRequired { token } } }';

describe('a change between the preview and the confirmation', () => {
  it('is never overwritten: CONFIRMATION_STALE with a fresh confirmation', async () => {
    const id = (await h.graphql<Data>('{ case(caseNumber: "00001104") { id } }')).body.data.case.id;
    const preview = await h.graphql<Data>(update, { id, s: 'Escalated' });
    skew += 3_000;
    const other = await h.graphql<Data>(update, { id, s: 'Closed' });
    await h.graphql<Data>(update, { id, s: 'Closed', t: other.body.data.updateCase.token });
    const stale = await h.graphql<Data>(update, {
      id,
      s: 'Escalated',
      t: preview.body.data.updateCase.token,
    });
    expect(stale.body.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFIRMATION_STALE',
      confirmation: { changes: [{ field: 'Status', before: 'Closed', after: 'Escalated' }] },
    });
    expect((await h.graphql<Data>(`{ case(id: "${id}") { status } }`)).body.data.case.status).toBe('Closed');
  });
});
