import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
// biome-ignore lint/suspicious/noExplicitAny: response shapes are checked by the assertions
type Data = any;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const CREATE = `mutation ($input: CreateCaseInput!, $token: String, $key: String) {
  createCase(input: $input, confirmationToken: $token, clientMutationId: $key) {
    __typename
    ... on ConfirmationRequired { token }
    ... on CreateCaseResult { id success clientMutationId record { subject } }
  }
}`;

const countCases = (subject: string) =>
  (
    h.emulator.org.db.prepare(`SELECT COUNT(*) AS n FROM "Case" WHERE Subject = ?`).get(subject) as {
      n: number;
    }
  ).n;

describe('clientMutationId', () => {
  it('makes a retried create return its first result instead of creating twice', async () => {
    const input = { subject: `Idempotent ${Date.now()}`, origin: 'Web' };
    const key = '0b9d3f5e-8f61-4c1e-b7a0-2f0a4d1c9e77';
    const preview = await h.graphql<Data>(CREATE, { input, key });
    expect(preview.body.data.createCase.__typename).toBe('ConfirmationRequired');
    const token = preview.body.data.createCase.token;
    const first = await h.graphql<Data>(CREATE, { input, token, key });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.createCase).toMatchObject({
      __typename: 'CreateCaseResult',
      id: expect.stringMatching(/^500/),
      success: true,
      clientMutationId: key,
      record: { subject: input.subject },
    });
    // The answer was lost: the same mutation again, then after a new confirmation.
    const again = await h.graphql<Data>(CREATE, { input, token, key });
    expect(again.body.data).toEqual(first.body.data);
    const fresh = (await h.graphql<Data>(CREATE, { input })).body.data.createCase.token;
    expect((await h.graphql<Data>(CREATE, { input, token: fresh, key })).body.data).toEqual(first.body.data);
    expect(countCases(input.subject)).toBe(1);
  });

  it('refuses a key reused for another create, and a malformed key, with their codes', async () => {
    const input = { subject: `Reused ${Date.now()}` };
    const key = 'reused-key-1';
    const token = (await h.graphql<Data>(CREATE, { input })).body.data.createCase.token;
    expect((await h.graphql<Data>(CREATE, { input, token, key })).body.errors).toBeUndefined();
    const other = { subject: `Other ${Date.now()}` };
    const otherToken = (await h.graphql<Data>(CREATE, { input: other })).body.data.createCase.token;
    const reused = await h.graphql<Data>(CREATE, { input: other, token: otherToken, key });
    expect(reused.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const malformed = await h.graphql<Data>(CREATE, { input: other, token: otherToken, key: 'a key' });
    expect(malformed.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_INVALID');
    expect(countCases(other.subject)).toBe(0);
  });

  it('writes every time without a key', async () => {
    const input = { subject: `Unkeyed ${Date.now()}` };
    for (let i = 0; i < 2; i++) {
      const token = (await h.graphql<Data>(CREATE, { input })).body.data.createCase.token;
      const done = await h.graphql<Data>(CREATE, { input, token });
      expect(done.body.data.createCase).toMatchObject({ success: true, clientMutationId: null });
    }
    expect(countCases(input.subject)).toBe(2);
  });
});
