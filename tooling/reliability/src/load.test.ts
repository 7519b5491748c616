import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

/**
 * 64 concurrent clients for a bounded time through each adapter, over real sockets: every answer
 * must be a 200 with the right record. A mix of reads (the case lookup, a list with relations) and
 * confirmed writes (creates), each checked.
 */

const CLIENTS = 64;
const SECONDS = 4;

let stack: Stack;
let subject: string;
beforeAll(async () => {
  stack = await startStack();
  subject = (await stack.rest('GET', '/cases/by-number/00001104')).body.Subject;
});
afterAll(() => stack?.close());

interface Run {
  requests: number;
  errors: string[];
}

/** Runs `clients` loops of `step` until `seconds` have passed; each step checks its own answer. */
async function load(clients: number, seconds: number, step: (client: number, i: number) => Promise<void>) {
  const until = Date.now() + seconds * 1000;
  const run: Run = { requests: 0, errors: [] };
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; Date.now() < until; i++) {
        try {
          await step(client, i);
          run.requests++;
        } catch (error) {
          run.errors.push(`client ${client} #${i}: ${(error as Error).message}`);
          if (run.errors.length > 20) return;
        }
      }
    }),
  );
  return run;
}

function check(ok: boolean, what: string, answer: unknown) {
  if (!ok) throw new Error(`${what}: ${JSON.stringify(answer).slice(0, 300)}`);
}

const CREATE = `mutation ($input: CreateCaseInput!, $token: String) {
  createCase(input: $input, confirmationToken: $token) {
    __typename ... on ConfirmationRequired { token } ... on CreateCaseResult { id record { subject } }
  }
}`;

describe(`load: ${CLIENTS} concurrent clients for ${SECONDS} s`, () => {
  it('through the gateway: zero errors, every answer correct', async () => {
    const written: string[] = [];
    const run = await load(CLIENTS, SECONDS, async (client, i) => {
      if (i % 10 === 9) {
        const title = `Load gateway ${client}-${i}`;
        const preview = await stack.graphql(CREATE, { input: { subject: title } });
        const token = preview.body.data?.createCase?.token;
        check(preview.status === 200 && typeof token === 'string', 'preview', preview.body);
        const done = await stack.graphql(CREATE, { input: { subject: title }, token });
        check(done.body.data?.createCase?.record?.subject === title, 'create', done.body);
        written.push(title);
        return;
      }
      if (i % 2 === 0) {
        const { status, body } = await stack.graphql(
          '{ case(caseNumber: "00001104") { caseNumber subject } }',
        );
        check(status === 200 && !body.errors && body.data.case.subject === subject, 'case', body);
      } else {
        const { status, body } = await stack.graphql(
          '{ contacts(first: 5, orderBy: [{ field: lastName }]) { nodes { name account { name } cases(first: 2) { nodes { caseNumber } } } } }',
        );
        check(status === 200 && !body.errors && body.data.contacts.nodes.length === 5, 'contacts', body);
      }
    });
    console.log(
      `gateway: ${run.requests} requests in ${SECONDS} s (${Math.round(run.requests / SECONDS)}/s)`,
    );
    expect(run.errors).toEqual([]);
    expect(run.requests).toBeGreaterThan(CLIENTS);
    const counted = stack.emulator.org.db
      .prepare(`SELECT COUNT(*) AS n FROM "Case" WHERE Subject LIKE 'Load gateway %'`)
      .get() as { n: number };
    expect(counted.n).toBe(written.length);
  });

  it('through the REST adapter: zero errors, every answer correct', async () => {
    const written: string[] = [];
    const run = await load(CLIENTS, SECONDS, async (client, i) => {
      if (i % 10 === 9) {
        const title = `Load rest ${client}-${i}`;
        const preview = await stack.rest('POST', '/cases', { Subject: title });
        check(
          preview.status === 200 && typeof preview.body.confirmationToken === 'string',
          'preview',
          preview.body,
        );
        const done = await stack.rest('POST', '/cases', {
          Subject: title,
          confirmationToken: preview.body.confirmationToken,
        });
        check(done.status === 201 && /^500/.test(done.body.id), 'create', done.body);
        written.push(title);
        return;
      }
      if (i % 2 === 0) {
        const { status, body } = await stack.rest('GET', '/cases/by-number/00001104');
        check(status === 200 && body.Subject === subject, 'case', body);
      } else {
        const { status, body } = await stack.rest('GET', '/cases?term=billing&limit=5');
        check(status === 200 && Array.isArray(body.records) && body.records.length > 0, 'search', body);
      }
    });
    console.log(
      `REST adapter: ${run.requests} requests in ${SECONDS} s (${Math.round(run.requests / SECONDS)}/s)`,
    );
    expect(run.errors).toEqual([]);
    expect(run.requests).toBeGreaterThan(CLIENTS);
    const counted = stack.emulator.org.db
      .prepare(`SELECT COUNT(*) AS n FROM "Case" WHERE Subject LIKE 'Load rest %'`)
      .get() as { n: number };
    expect(counted.n).toBe(written.length);
  });
});
