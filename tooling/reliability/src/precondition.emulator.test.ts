import { type DemoOrg, startDemoOrg } from '@sfgql/testing/demo-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Adapters, startAdapters } from './stack.ts';

/**
 * The lost update through both adapters: a case another client closes between the preview and the
 * confirmed update keeps its status; the confirmation is refused as CONFIRMATION_STALE with a fresh
 * one. (This needs the emulator's conditional request headers: Salesforce's 412 to
 * `If-Unmodified-Since`.)
 */

let org: DemoOrg;
let adapters: Adapters;
let skew = 0;
beforeAll(async () => {
  org = await startDemoOrg({ now: () => new Date(Date.now() + skew) });
  adapters = await startAdapters(org.emulator.url, () => org.session.accessToken);
});
afterAll(async () => {
  await adapters?.close();
  await org?.close();
});

const status = (id: string) =>
  (org.emulator.org.db.prepare('SELECT Status FROM "Case" WHERE Id = ?').get(id) as { Status: string })
    .Status;
const UPDATE =
  'mutation ($id: ID!, $s: String, $t: String) { updateCase(id: $id, input: { status: $s }, confirmationToken: $t) { __typename ... on ConfirmationRequired { token } } }';

describe('a change between the preview and the confirmed update', () => {
  it('is never overwritten, through either adapter', async () => {
    const id = (await adapters.rest('GET', '/cases/by-number/00001104')).body.Id;
    const graphqlPreview = await adapters.graphql(UPDATE, { id, s: 'Escalated' });
    const restPreview = await adapters.rest('PATCH', `/cases/${id}`, { Status: 'Escalated' });
    skew += 3_000;
    // Another client closes the case.
    const other = await adapters.rest('PATCH', `/cases/${id}`, { Status: 'Closed' });
    await adapters.rest('PATCH', `/cases/${id}`, {
      Status: 'Closed',
      confirmationToken: other.body.confirmationToken,
    });
    const graphql = await adapters.graphql(UPDATE, {
      id,
      s: 'Escalated',
      t: graphqlPreview.body.data.updateCase.token,
    });
    expect(graphql.body.errors?.[0]?.extensions?.code).toBe('CONFIRMATION_STALE');
    const rest = await adapters.rest('PATCH', `/cases/${id}`, {
      Status: 'Escalated',
      confirmationToken: restPreview.body.confirmationToken,
    });
    expect(rest).toMatchObject({ status: 409, body: { code: 'CONFIRMATION_STALE' } });
    expect(status(id)).toBe('Closed');
  });
});
