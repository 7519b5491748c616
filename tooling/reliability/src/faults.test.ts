import { randomUUID } from 'node:crypto';
import { loginAsDemo } from '@sfgql/testing/demo-org';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, type Stack, startStack } from './stack.ts';

// A case is created with its number read back, in one composite request: the write's resource.
const CREATES = ['sobjects', 'composite'];

/**
 * Salesforce misbehaving (the emulator's fault injection) under both adapters: reads succeed after
 * the client's retries or fail with a typed error; writes are never repeated by the adapters, and
 * a create retried by its caller with the same idempotency key is written once.
 */

let stack: Stack;
let subject: string;
beforeAll(async () => {
  stack = await startStack();
  const first = await stack.rest('GET', '/cases/by-number/00001104');
  subject = first.body.Subject;
  expect(subject).toBeTruthy();
  expect((await stack.graphql('{ case(caseNumber: "00001104") { subject } }')).body.data.case.subject).toBe(
    subject,
  );
});
afterEach(() => stack.controls.clearFaults());
afterAll(() => stack?.close());

/** Codes a failed read may carry: Salesforce's own failures, typed. Never INTERNAL_SERVER_ERROR. */
const TYPED = ['SF_REQUEST_FAILED', 'SF_REQUEST_LIMIT', 'SF_SESSION_EXPIRED'];

type Outcome = { ok: true } | { ok: false; status: number; code: string };

async function readThroughGateway(token?: string): Promise<Outcome> {
  const { status, body } = await stack.graphql(
    '{ case(caseNumber: "00001104") { caseNumber subject } }',
    undefined,
    token ? { token } : {},
  );
  if (!body.errors) {
    expect(body.data.case).toEqual({ caseNumber: '00001104', subject });
    return { ok: true };
  }
  expect(body.data?.case ?? null).toBeNull();
  return { ok: false, status, code: body.errors[0].extensions?.code };
}

async function readThroughRest(token?: string): Promise<Outcome> {
  const { status, body } = await stack.rest(
    'GET',
    '/cases/by-number/00001104',
    undefined,
    token ? { token } : {},
  );
  if (status === 200) {
    expect(body).toMatchObject({ CaseNumber: '00001104', Subject: subject });
    return { ok: true };
  }
  return { ok: false, status, code: body.code };
}

async function reads(n: number) {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < n; i++) outcomes.push(await readThroughGateway(), await readThroughRest());
  for (const o of outcomes) if (!o.ok) expect(TYPED, JSON.stringify(o)).toContain(o.code);
  return outcomes;
}

describe('faults on reads', () => {
  const transient = [
    { kind: 'error500', rate: 0.5 },
    { kind: 'error503', rate: 0.5 },
    { kind: 'dropConnection', rate: 0.4 },
  ] as const;
  for (const rule of transient) {
    it(`retries through ${rule.kind} (rate ${rule.rate}): correct answers or typed errors`, async () => {
      await stack.controls.setFaults({ seed: 7, rules: [{ ...rule, resources: ['query'] }] });
      const outcomes = await reads(6);
      // Each read has four attempts: with half of all calls failing, most reads still succeed.
      expect(outcomes.filter((o) => o.ok).length).toBeGreaterThanOrEqual(8);
      const { faults } = await stack.controls.metrics();
      expect(faults?.total).toBeGreaterThan(0);
    });
  }

  it('waits through latency and answers correctly', async () => {
    await stack.controls.setFaults({ seed: 7, rules: [{ kind: 'latency', ms: 40, jitterMs: 40 }] });
    const outcomes = await reads(4);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  it('answers a session Salesforce expired with SF_SESSION_EXPIRED (401 from REST), not a retry', async () => {
    // A token of its own: the fault expires it for good.
    const token = (await loginAsDemo(stack.instanceUrl)).accessToken;
    expect(await readThroughGateway(token)).toEqual({ ok: true });
    expect(await readThroughRest(token)).toEqual({ ok: true });
    await stack.controls.setFaults({ rules: [{ kind: 'expireSession', afterCalls: 0 }] });
    const gateway = await readThroughGateway(token);
    expect(gateway).toMatchObject({ ok: false, code: 'SF_SESSION_EXPIRED' });
    const rest = await readThroughRest(token);
    expect(rest).toMatchObject({ ok: false, status: 401, code: 'SF_SESSION_EXPIRED' });
  });

  it('answers the org’s exhausted API limit with SF_REQUEST_LIMIT (503)', async () => {
    await stack.controls.setFaults({ rules: [{ kind: 'requestLimit', afterCalls: 0 }] });
    expect(await readThroughGateway()).toMatchObject({ ok: false, code: 'SF_REQUEST_LIMIT' });
    expect(await readThroughRest()).toMatchObject({ ok: false, status: 503, code: 'SF_REQUEST_LIMIT' });
  });
});

const CREATE = `mutation ($input: CreateCaseInput!, $token: String, $key: String) {
  createCase(input: $input, confirmationToken: $token, clientMutationId: $key) {
    __typename ... on ConfirmationRequired { token } ... on CreateCaseResult { id }
  }
}`;

/** A create through one adapter, confirmed with a fresh token, under an idempotency key. */
const creates = {
  async gateway(
    title: string,
    key: string,
    signal?: AbortSignal,
  ): Promise<Answer & { id?: string; code?: string }> {
    const preview = await stack.graphql(CREATE, { input: { subject: title }, key });
    const token = preview.body.data?.createCase?.token;
    if (!token)
      return {
        ...preview,
        id: preview.body.data?.createCase?.id,
        code: preview.body.errors?.[0]?.extensions?.code,
      };
    const done = await stack.graphql(
      CREATE,
      { input: { subject: title }, token, key },
      signal ? { signal } : {},
    );
    return { ...done, id: done.body.data?.createCase?.id, code: done.body.errors?.[0]?.extensions?.code };
  },
  async rest(
    title: string,
    key: string,
    signal?: AbortSignal,
  ): Promise<Answer & { id?: string; code?: string }> {
    const headers = { 'idempotency-key': key };
    const preview = await stack.rest('POST', '/cases', { Subject: title }, { headers });
    if (preview.status === 201) return { ...preview, id: preview.body.id };
    if (preview.status !== 200) return { ...preview, code: preview.body?.code };
    const token = preview.body.confirmationToken;
    const done = await stack.rest(
      'POST',
      '/cases',
      { Subject: title, confirmationToken: token },
      {
        headers,
        ...(signal ? { signal } : {}),
      },
    );
    return { ...done, id: done.body?.id, code: done.body?.code };
  },
};

const countCases = (title: string) =>
  (
    stack.emulator.org.db.prepare(`SELECT COUNT(*) AS n FROM "Case" WHERE Subject = ?`).get(title) as {
      n: number;
    }
  ).n;

describe('faults on writes', () => {
  for (const adapter of ['gateway', 'rest'] as const) {
    for (const kind of ['error500', 'error503', 'dropConnection'] as const) {
      it(`${adapter}: a create failed by ${kind} is not retried, and its caller's retry writes it once`, async () => {
        const title = `Fault ${kind} ${adapter} ${randomUUID()}`;
        const key = randomUUID();
        await stack.controls.resetMetrics();
        await stack.controls.setFaults({
          rules: [{ kind, rate: 1, resources: CREATES, methods: ['POST'] }],
        });
        const failed = await creates[adapter](title, key);
        expect(failed.id).toBeUndefined();
        expect(failed.code).toBe('SF_REQUEST_FAILED');
        expect(failed.status).toBeLessThan(600);
        // The adapter sent the write once: no retry of a write.
        expect((await stack.controls.metrics()).faults?.total).toBe(1);
        expect(countCases(title)).toBe(0);

        await stack.controls.clearFaults();
        let retryKey = key;
        if (kind === 'dropConnection') {
          // No answer came: the create may have happened, so the key never runs it again (a new
          // key, chosen once the caller checked, is a new write). Salesforce's 5xx is an answer.
          const refused = await creates[adapter](title, key);
          expect(refused.code).toBe('IDEMPOTENCY_OUTCOME_UNKNOWN');
          if (adapter === 'rest') expect(refused.status).toBe(409);
          expect(countCases(title)).toBe(0);
          retryKey = randomUUID();
        }
        const first = await creates[adapter](title, retryKey);
        expect(first.id, JSON.stringify(first.body)).toMatch(/^500/);
        const again = await creates[adapter](title, retryKey);
        expect(again.id).toBe(first.id);
        expect(countCases(title)).toBe(1);
      });
    }

    it(`${adapter}: a create whose answer the caller lost is written once when retried with the same key`, async () => {
      const title = `Lost answer ${adapter} ${randomUUID()}`;
      const key = randomUUID();
      // Salesforce takes 400 ms to write; the caller gives up after 100 ms and retries.
      await stack.controls.setFaults({
        rules: [{ kind: 'latency', ms: 400, resources: CREATES, methods: ['POST'] }],
      });
      await expect(creates[adapter](title, key, AbortSignal.timeout(100))).rejects.toThrow();
      let retried: Awaited<ReturnType<(typeof creates)['gateway']>> | undefined;
      const deadline = Date.now() + 10_000;
      const seen = new Set<string>();
      while (Date.now() < deadline) {
        retried = await creates[adapter](title, key);
        seen.add(retried.code ?? 'ok');
        if (retried.id) break;
        // While the first call still runs, the key is in use: a clear 409, nothing written twice.
        expect(retried.code).toBe('IDEMPOTENCY_KEY_IN_USE');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(retried?.id).toMatch(/^500/);
      expect(countCases(title)).toBe(1);
      expect((await creates[adapter](title, key)).id).toBe(retried?.id);
      expect(countCases(title)).toBe(1);
    });
  }
});
