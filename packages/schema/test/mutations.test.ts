import { soql } from '@sfgql/soql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSchema, startDemoSchema } from './demo-schema.ts';

let demo: DemoSchema;
beforeAll(async () => {
  demo = await startDemoSchema();
});
afterAll(() => demo.close());

type Payload =
  | {
      __typename: 'ConfirmationRequired';
      token: string;
      summary: string;
      action: string;
      object: string;
      recordId: string | null;
      destructive: boolean;
      changes: { field: string; before: unknown; after: unknown }[];
    }
  | {
      __typename: 'UpdateCaseResult' | 'CreateContactResult' | 'DeleteContactResult';
      id: string;
      success: boolean;
      clientMutationId: string | null;
      record?: Record<string, unknown> | null;
    };

const confirmationFields = 'token summary action object recordId destructive changes { field before after }';

const updateCase = `mutation ($id: ID!, $input: UpdateCaseInput!, $token: String) {
  updateCase(id: $id, input: $input, confirmationToken: $token) {
    __typename
    ... on ConfirmationRequired { ${confirmationFields} }
    ... on UpdateCaseResult { id success clientMutationId record { id status subject } }
  }
}`;

const caseRow = async (id: string) =>
  (await demo.client.query(soql`SELECT Status, Subject FROM Case WHERE Id = ${id}`)).records[0];

describe('a confirmed write', () => {
  it('previews first, writes nothing, then writes once with the token and reads the record back', async () => {
    const [open] = (
      await demo.client.query(
        soql`SELECT Id, Status FROM Case WHERE Status != 'Escalated' ORDER BY CaseNumber LIMIT 1`,
      )
    ).records;
    const id = String(open?.Id);
    const variables = { id, input: { status: 'Escalated' } };

    const preview = await demo.run<{ updateCase: Payload }>(updateCase, { variables, writes: true });
    expect(preview.errors).toEqual([]);
    const confirmation = preview.data?.updateCase;
    if (confirmation?.__typename !== 'ConfirmationRequired') throw new Error('expected a confirmation');
    expect(confirmation).toMatchObject({
      action: 'update',
      object: 'Case',
      recordId: id,
      destructive: false,
      changes: [{ field: 'Status', before: open?.Status, after: 'Escalated' }],
    });
    expect(confirmation.summary).toMatch(/Escalated/);
    expect((await caseRow(id))?.Status).toBe(open?.Status);

    const done = await demo.run<{ updateCase: Payload }>(updateCase, {
      variables: { ...variables, token: confirmation.token },
      writes: true,
    });
    expect(done.errors).toEqual([]);
    expect(done.data?.updateCase).toMatchObject({
      __typename: 'UpdateCaseResult',
      id,
      success: true,
      clientMutationId: null,
      record: { id, status: 'Escalated' },
    });
    expect((await caseRow(id))?.Status).toBe('Escalated');

    // The token is single use, and bound to the arguments it was given for.
    const again = await demo.run(updateCase, {
      variables: { ...variables, token: confirmation.token },
      writes: true,
    });
    expect(again.errors.map((e) => e.code)).toEqual(['CONFIRMATION_USED']);
    const fresh = await demo.run<{ updateCase: Payload }>(updateCase, {
      variables: { id, input: { subject: 'Renamed' } },
      writes: true,
    });
    const token =
      fresh.data?.updateCase.__typename === 'ConfirmationRequired' ? fresh.data.updateCase.token : null;
    const other = await demo.run(updateCase, {
      variables: { id, input: { subject: 'Something else' }, token },
      writes: true,
    });
    expect(other.errors.map((e) => e.code)).toEqual(['CONFIRMATION_MISMATCH']);
    expect((await caseRow(id))?.Subject).not.toMatch(/Renamed|Something else/);
  });

  it('creates once per clientMutationId, and deletes only after a destructive confirmation', async () => {
    const create = `mutation ($input: CreateContactInput!, $token: String, $key: String) {
      createContact(input: $input, confirmationToken: $token, clientMutationId: $key) {
        __typename ... on ConfirmationRequired { ${confirmationFields} }
        ... on CreateContactResult { id success clientMutationId record { lastName email } }
      }
    }`;
    const input = { lastName: 'Okafor', firstName: 'Ada', email: 'ada.okafor@example.com' };
    const preview = await demo.data<{ createContact: Payload }>(create, {
      variables: { input },
      writes: true,
    });
    if (preview.createContact.__typename !== 'ConfirmationRequired')
      throw new Error('expected a confirmation');
    const variables = {
      input,
      token: preview.createContact.token,
      key: 'e3c1a6f0-5d4b-4a55-9f3e-1f2b3c4d5e6f',
    };
    const created = await demo.data<{ createContact: Payload }>(create, { variables, writes: true });
    expect(created.createContact).toMatchObject({
      __typename: 'CreateContactResult',
      success: true,
      clientMutationId: variables.key,
      record: { lastName: 'Okafor', email: 'ada.okafor@example.com' },
    });
    // The answer was lost on the way: the same key returns the first result, nothing more is written.
    const repeated = await demo.data<{ createContact: Payload }>(create, { variables, writes: true });
    expect(repeated).toEqual(created);
    const okafors = await demo.client.query(soql`SELECT Id FROM Contact WHERE LastName = 'Okafor'`);
    expect(okafors.totalSize).toBe(1);

    const id = created.createContact.__typename === 'CreateContactResult' ? created.createContact.id : '';
    const remove = `mutation ($id: ID!, $token: String) {
      deleteContact(id: $id, confirmationToken: $token) {
        __typename ... on ConfirmationRequired { ${confirmationFields} } ... on DeleteContactResult { id success }
      }
    }`;
    const ask = await demo.data<{ deleteContact: Payload }>(remove, { variables: { id }, writes: true });
    if (ask.deleteContact.__typename !== 'ConfirmationRequired') throw new Error('expected a confirmation');
    expect(ask.deleteContact).toMatchObject({ action: 'delete', destructive: true, recordId: id });
    expect((await demo.client.query(soql`SELECT COUNT() FROM Contact WHERE Id = ${id}`)).totalSize).toBe(1);
    const gone = await demo.data<{ deleteContact: Payload }>(remove, {
      variables: { id, token: ask.deleteContact.token },
      writes: true,
    });
    expect(gone.deleteContact).toEqual({ __typename: 'DeleteContactResult', id, success: true });
    expect((await demo.client.query(soql`SELECT COUNT() FROM Contact WHERE Id = ${id}`)).totalSize).toBe(0);
  });

  it('is refused without a principal and the confirmation protocol, before any call', async () => {
    const [row] = (await demo.client.query(soql`SELECT Id FROM Case LIMIT 1`)).records;
    const answer = await demo.run(updateCase, { variables: { id: row?.Id, input: { status: 'Closed' } } });
    expect(answer.errors.map((e) => e.code)).toEqual(['WRITE_FORBIDDEN']);
    expect(answer.calls).toBe(0);
  });

  it('refuses bad input with INVALID_INPUT and writes nothing', async () => {
    const [row] = (await demo.client.query(soql`SELECT Id FROM Case LIMIT 1`)).records;
    for (const variables of [
      { id: 'not-an-id', input: { status: 'Closed' } },
      { id: row?.Id, input: { priority: 'Whenever' } },
    ]) {
      const answer = await demo.run(updateCase, { variables, writes: true });
      expect(answer.errors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
    }
  });
});
