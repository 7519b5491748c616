import { serviceAuthFromEnv } from '@sfgql/auth';
import { DEMO } from '@sfgql/emulator';
import { demoServiceEnv, loginAsDemo } from '@sfgql/testing/demo-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionsApp } from './app.ts';
import { loadActionsConfig } from './config.ts';
import { createActionsConfirmation } from './confirmation.ts';
import { profiles } from './profiles.ts';
import { FIXED, type Json, SECRET, startStack, type TestStack } from './test-support.ts';

let stack: TestStack;
let caseId: string;
// How far the emulator's clock runs ahead: moved so that a change is unambiguously later than a preview.
let skew = 0;
beforeAll(async () => {
  stack = await startStack({ emulator: { now: () => new Date(Date.now() + skew) } });
  caseId = (await stack.call('GET', '/cases/by-number/00001104')).body.Id;
});
afterAll(() => stack.close());

const storedStatus = () =>
  (stack.emulator.org.db.prepare(`SELECT Status FROM "Case" WHERE Id = ?`).get(caseId) as { Status: string })
    .Status;

describe('input errors: 400 problems naming the field, never a 500', () => {
  it('names a status the org does not have, with the values it has', async () => {
    const answer = await stack.call('PATCH', `/cases/${caseId}/status`, { Status: 'Bogus' });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({
      code: 'INVALID_INPUT',
      invalidParams: [
        {
          name: 'Status',
          reason: "must be one of the org's Case Status values: New, Working, Escalated, Closed",
        },
      ],
      detail: expect.stringContaining('Status: must be one of'),
    });
  });

  it('names the path parameter as the document does (CaseId in the cookbook, Id in the service profile)', async () => {
    const cookbook = await stack.call('PATCH', '/services/data/v60.0/sobjects/Case/003000000000001AAA', {
      Status: 'New',
    });
    expect(cookbook.status).toBe(400);
    expect(cookbook.body.invalidParams).toEqual([{ name: 'CaseId', reason: 'must be the Id of a Case' }]);
    const service = await stack.call('DELETE', '/cases/not-an-id');
    expect(service.body.invalidParams).toContainEqual({
      name: 'Id',
      reason: 'must be a 15- or 18-character Salesforce Id',
    });
  });

  it('names unknown fields, wrong types and missing ones, by their API names', async () => {
    const unknown = await stack.call('PATCH', `/cases/${caseId}`, { Staus: 'New' });
    expect(unknown.body.invalidParams).toEqual([
      { name: 'Staus', reason: expect.stringMatching(/^is not an input of updateCase; it takes: .*Status/) },
    ]);
    const wrong = await stack.call('POST', '/cases/from-conversation', {
      Subject: 42,
      summary: 'x',
      transcript: 'y',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.invalidParams).toEqual([
      { name: 'Subject', reason: expect.stringContaining('string') },
    ]);
    const missing = await stack.call('PATCH', `/cases/${caseId}/status`, {});
    expect(missing.body.invalidParams).toEqual([{ name: 'Status', reason: expect.any(String) }]);
    const limit = await stack.call('GET', '/contacts?limit=lots');
    expect(limit.body.invalidParams).toEqual([{ name: 'limit', reason: expect.stringContaining('number') }]);
  });

  it('accepts names in any case, as Salesforce does, and field lists by API name', async () => {
    const answer = await stack.call('GET', '/contacts?TERM=Sarah&fields=MailingCity,title');
    expect(answer.status).toBe(200);
    expect(answer.body.records[0]).toMatchObject({
      Name: 'Sarah Johnson',
      Id: expect.stringMatching(/^003/),
    });
    expect(Object.keys(answer.body.records[0])).toEqual(expect.arrayContaining(['MailingCity']));
  });

  it('refuses a body that is not a JSON object', async () => {
    for (const body of ['{"Status": ', '[1, 2]', '"Escalated"']) {
      const answer = await stack.call('PATCH', `/cases/${caseId}/status`, body);
      expect(answer.status, body).toBe(400);
      expect(answer.body.invalidParams[0].name).toBe('(body)');
    }
  });

  it('answers every operation of every profile with a 4xx, not a 500, for garbage', async () => {
    const garbage: unknown[] = [{ junk: 1 }, { Id: { $gt: '' } }, [], 'x', { term: ['a'], limit: -1 }];
    const failures: string[] = [];
    for (const binding of profiles.flatMap((p) => p.bindings)) {
      const path = binding.path.replace(/\{[^}]+\}/g, "x'%20OR%20Id%20!=%20'");
      for (const body of garbage) {
        const read = binding.method === 'get' || binding.method === 'delete';
        const url = read ? `${path}?${new URLSearchParams({ junk: JSON.stringify(body) })}` : path;
        const answer = await stack.call(binding.method.toUpperCase(), url, read ? undefined : body);
        if (answer.status >= 500 || answer.status < 400)
          failures.push(
            `${binding.operationId} ${JSON.stringify(body)}: ${answer.status} ${JSON.stringify(answer.body)}`,
          );
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('Salesforce errors', () => {
  it('answers 404 for a case that does not exist, by number and by Id', async () => {
    const byNumber = await stack.call('GET', '/cases/by-number/99999999');
    expect(byNumber.status).toBe(404);
    expect(byNumber.body).toMatchObject({
      code: 'NOT_FOUND',
      detail: expect.stringContaining('No case has CaseNumber "99999999"'),
    });
    const update = await stack.call('PATCH', '/cases/500000000000099AAA/status', { Status: 'Working' });
    expect(update.status).toBe(404);
    expect(update.body).toMatchObject({
      code: 'NOT_FOUND',
      detail: expect.stringContaining('No case has the Id 500000000000099AAA'),
    });
  });

  it('matches a case number literally: an injection finds nothing', async () => {
    const answer = await stack.call(
      'GET',
      `/cases/by-number/${encodeURIComponent("00001104' OR CaseNumber != '")}`,
    );
    expect(answer.status).toBe(404);
  });

  it('answers 403 when the signed-in user may not write, after the confirmation', async () => {
    const analyst = (await loginAsDemo(stack.emulator.url, DEMO.users.readOnly)).accessToken;
    const preview = await stack.call('PATCH', `/cases/${caseId}/status`, { Status: 'Working' }, analyst);
    expect(preview.status).toBe(200);
    const refused = await stack.call(
      'PATCH',
      `/cases/${caseId}/status`,
      { Status: 'Working', confirmationToken: preview.body.confirmationToken },
      analyst,
    );
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'SF_FORBIDDEN',
      salesforceErrorCode: 'INSUFFICIENT_ACCESS_OR_READONLY',
      detail: expect.stringContaining('tell the user'),
    });
    expect(storedStatus()).toBe('New');
  });

  it("answers 403 WRITE_FORBIDDEN for a write outside the adapter's policy, before any confirmation", async () => {
    const answer = await stack.call('POST', '/contacts', { LastName: 'Nobody' });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({
      code: 'WRITE_FORBIDDEN',
      reason: 'OBJECT',
      detail: expect.stringContaining('Contact'),
    });
  });
});

describe('authentication', () => {
  it('answers 401 without a token and with a forged one', async () => {
    const missing = await stack.call('GET', '/cases/by-number/00001104', undefined, null);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({
      code: 'SF_AUTH_REQUIRED',
      detail: expect.stringContaining('Bearer'),
    });
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    const forged = await stack.call('GET', '/cases/by-number/00001104', undefined, '00Dforged!x');
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ code: 'SF_SESSION_EXPIRED' });
  });

  it('answers 401 for an expired token, so that ChatGPT refreshes it, whether or not it was checked before', async () => {
    let now = Date.parse('2026-03-02T10:00:00Z');
    const expiring = await startStack({
      emulator: { now: () => new Date(now), sessionLifetimeMs: 15 * 60_000 },
    });
    try {
      // Checked and cached while valid, then expired: Salesforce refuses the query.
      expect((await expiring.call('GET', '/cases/by-number/00001104')).status).toBe(200);
      now += 16 * 60_000;
      const cached = await expiring.call('GET', '/cases/by-number/00001104');
      expect(cached.status).toBe(401);
      expect(cached.body).toMatchObject({
        code: 'SF_SESSION_EXPIRED',
        salesforceErrorCode: 'INVALID_SESSION_ID',
      });
      expect(cached.headers.get('www-authenticate')).toBe('Bearer realm="salesforce", error="invalid_token"');
      // Forgotten after that: the next request is refused at the check, before any data call.
      await expiring.resetMetrics();
      const again = await expiring.call('PATCH', `/cases/${caseId}/status`, { Status: 'Working' });
      expect(again.status).toBe(401);
      expect((await expiring.metrics()).total).toBe(0);
      // A token first seen after it expired is refused at the check too.
      const fresh = createActionsApp({
        ...FIXED,
        instanceUrl: expiring.emulator.url,
        loginUrl: expiring.emulator.url,
        confirmation: createActionsConfirmation({ secret: SECRET, writes: 'service' }),
      });
      const response = await fresh.request('/cases/by-number/00001104', {
        headers: { authorization: `Bearer ${expiring.token}` },
      });
      expect(response.status).toBe(401);
    } finally {
      await expiring.close();
    }
  });
});

describe('confirmation refusals say what to do next', () => {
  const preview = async (status: string) =>
    (await stack.call('PATCH', `/cases/${caseId}/status`, { Status: status })).body as Json;

  it('refuses a token for other arguments, and keeps it valid for its own', async () => {
    const escalate = await preview('Escalated');
    const other = await stack.call('PATCH', `/cases/${caseId}/status`, {
      Status: 'Closed',
      confirmationToken: escalate.confirmationToken,
    });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({
      code: 'CONFIRMATION_MISMATCH',
      mismatch: ['arguments'],
      detail: expect.stringContaining('same arguments'),
    });
    const own = await stack.call('PATCH', `/cases/${caseId}/status`, {
      Status: 'Escalated',
      confirmationToken: escalate.confirmationToken,
    });
    expect(own.status).toBe(204);
    expect(storedStatus()).toBe('Escalated');
  });

  it('refuses a forged token', async () => {
    const answer = await stack.call('PATCH', `/cases/${caseId}/status`, {
      Status: 'Working',
      confirmationToken: 'eyJhbGciOiJub25lIn0.e30.',
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: 'CONFIRMATION_INVALID',
      detail: expect.stringContaining('without confirmationToken'),
    });
  });

  it('offers a fresh confirmation when the case changed since the preview', async () => {
    const created = await stack.call('POST', '/cases', { Subject: 'Delete after review' });
    const id = (
      await stack.call('POST', '/cases', {
        Subject: 'Delete after review',
        confirmationToken: created.body.confirmationToken,
      })
    ).body.id;
    const first = await stack.call('DELETE', `/cases/${id}`);
    expect(first.status).toBe(200);
    // A colleague works the case before the user confirms its deletion.
    skew += 3_000;
    const meanwhile = await stack.call('PATCH', `/cases/${id}/status`, { Status: 'Working' });
    await stack.call('PATCH', `/cases/${id}/status`, {
      Status: 'Working',
      confirmationToken: meanwhile.body.confirmationToken,
    });
    const stale = await stack.call(
      'DELETE',
      `/cases/${id}?confirmationToken=${first.body.confirmationToken}`,
    );
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      code: 'CONFIRMATION_STALE',
      confirmationToken: expect.any(String),
      summary: expect.stringContaining('Delete case'),
      detail: expect.stringContaining('fresh confirmation is attached'),
    });
    expect(stack.emulator.org.db.prepare(`SELECT IsDeleted FROM "Case" WHERE Id = ?`).get(id)).toEqual({
      IsDeleted: 0,
    });
    skew += 3_000;
    const done = await stack.call('DELETE', `/cases/${id}?confirmationToken=${stale.body.confirmationToken}`);
    expect(done.status).toBe(204);
  });

  it('refuses an expired token', async () => {
    let now = Date.now();
    const app = createActionsApp({
      ...FIXED,
      instanceUrl: stack.emulator.url,
      loginUrl: stack.emulator.url,
      confirmation: createActionsConfirmation({ secret: SECRET, writes: 'service', now: () => now }),
    });
    const call = async (body: Json) => {
      const response = await app.request(`/cases/${caseId}/status`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Json };
    };
    const first = await call({ Status: 'Escalated' });
    now += 6 * 60_000;
    const late = await call({ Status: 'Escalated', confirmationToken: first.body.confirmationToken });
    expect(late.status).toBe(400);
    expect(late.body).toMatchObject({
      code: 'CONFIRMATION_EXPIRED',
      detail: expect.stringContaining('fresh confirmation'),
    });
  });
});

describe("the service profile's writes", () => {
  const confirmed = async (method: string, path: string, body: Json) => {
    const first = await stack.call(method, path, body);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    return stack.call(method, path, { ...body, confirmationToken: first.body.confirmationToken });
  };

  it('opens a case from a conversation, comments on it, routes it and logs the call', async () => {
    const created = await confirmed('POST', '/cases/from-conversation', {
      Subject: 'Refund for the duplicate charge',
      summary: 'Charged twice in January; wants a refund.',
      transcript: 'Customer: I was charged twice.\nAgent: Let me open a case.',
      email: 'sarah.johnson@acme.example.com',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^500/),
      success: true,
      caseNumber: expect.any(String),
    });
    const newCase = created.body.id;

    const comment = await confirmed('POST', `/cases/${newCase}/comments`, {
      body: 'Refund approved.',
      isPublic: true,
    });
    expect(comment.status).toBe(201);

    const queues = await stack.call('GET', '/queues');
    expect(queues.status).toBe(200);
    const queue = queues.body.records[0];
    const routed = await confirmed('PATCH', `/cases/${newCase}/queue`, { queueName: queue.Name });
    expect(routed.status).toBe(204);
    const read = await stack.call('GET', `/cases/${newCase}`);
    expect(read.body.OwnerId).toBe(queue.Id);

    const call = await confirmed('POST', '/tasks/calls', {
      Subject: 'Refund call',
      callType: 'Inbound',
      WhatId: newCase,
    });
    expect(call.status).toBe(201);

    const comments = await stack.call('GET', `/cases/${newCase}/comments`);
    expect(comments.body.records).toEqual([
      expect.objectContaining({ CommentBody: 'Refund approved.', IsPublished: true }),
    ]);
  });

  it('answers a create retried with the same Idempotency-Key with the first result, and creates once', async () => {
    const post = async (body: Json, key: string) => {
      const response = await stack.app.request('/cases/from-conversation', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${stack.token}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Json };
    };
    const body = {
      Subject: `Idempotent refund ${Date.now()}`,
      summary: 'Charged twice.',
      transcript: 'Customer: charged twice.',
      email: 'sarah.johnson@acme.example.com',
    };
    const key = '5f0c2a59-3f3e-4f7e-a5b1-8d8b3b0e3d21';
    const preview = await post(body, key);
    expect(preview.status).toBe(200);
    const token = preview.body.confirmationToken;
    const first = await post({ ...body, confirmationToken: token }, key);
    expect(first.status).toBe(201);
    // The answer was lost on the way: the same call again, and after a fresh confirmation.
    expect(await post({ ...body, confirmationToken: token }, key)).toEqual(first);
    const fresh = (await post(body, key)).body;
    expect(fresh).toEqual(first.body);
    const count = stack.emulator.org.db
      .prepare(`SELECT COUNT(*) AS n FROM "Case" WHERE Subject = ?`)
      .get(body.Subject) as { n: number };
    expect(count.n).toBe(1);
    // The same key for other arguments is refused as soon as it is seen, at the preview.
    const reused = await post({ ...body, Subject: 'Another case' }, key);
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const invalid = await post({ ...body, confirmationToken: token }, 'not a key');
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_INVALID' });
  });

  it('answers from knowledge: search, then the article', async () => {
    const found = await stack.call('GET', '/knowledge-articles?term=billing%20discrepancies');
    expect(found.status).toBe(200);
    expect(found.body.records.length).toBeGreaterThan(0);
    const article = await stack.call(
      'GET',
      `/knowledge-articles/article?articleNumber=${found.body.records[0].ArticleNumber}`,
    );
    expect(article.status).toBe(200);
    expect(article.body).toMatchObject({
      Title: 'How to resolve billing discrepancies',
      Summary: expect.any(String),
    });
  });
});

describe('the token where a model puts it', () => {
  const newCase = async (subject: string) => {
    const preview = await stack.call('POST', '/cases', { Subject: subject });
    return (
      await stack.call('POST', '/cases', {
        Subject: subject,
        confirmationToken: preview.body.confirmationToken,
      })
    ).body.id as string;
  };

  it('deletes with the token in a JSON body as with the token in the query string', async () => {
    const id = await newCase('Delete with a body');
    const preview = await stack.call('DELETE', `/cases/${id}`);
    expect(preview.status).toBe(200);
    const done = await stack.call('DELETE', `/cases/${id}`, {
      Id: id,
      confirmationToken: preview.body.confirmationToken,
    });
    expect(done.status).toBe(204);
    expect(stack.emulator.org.db.prepare(`SELECT IsDeleted FROM "Case" WHERE Id = ?`).get(id)).toEqual({
      IsDeleted: 1,
    });
  });

  it('refuses a DELETE body naming another record or an unknown input, writing nothing', async () => {
    const id = await newCase('Delete with a wrong body');
    const preview = await stack.call('DELETE', `/cases/${id}`);
    const other = await stack.call('DELETE', `/cases/${id}`, {
      Id: caseId,
      confirmationToken: preview.body.confirmationToken,
    });
    expect(other.status).toBe(400);
    expect(other.body.invalidParams).toEqual([{ name: 'Id', reason: `must be the Id of the path, ${id}` }]);
    const unknown = await stack.call('DELETE', `/cases/${id}`, { Subject: 'x' });
    expect(unknown.body.invalidParams).toEqual([
      { name: 'Subject', reason: 'is not an input of deleteCase; it takes: confirmationToken' },
    ]);
    expect(stack.emulator.org.db.prepare(`SELECT IsDeleted FROM "Case" WHERE Id = ?`).get(id)).toEqual({
      IsDeleted: 0,
    });
  });
});

describe('answers within GPT limits', () => {
  it('cuts a note too long for one answer, says so, and reads the rest from the offset it names', async () => {
    const text = Array.from({ length: 14_000 }, (_, i) => `line ${String(i).padStart(4, '0')}`).join('\n');
    expect(text.length).toBeGreaterThan(139_000);
    const input = { title: 'Long call transcript', body: text, linkedRecordId: caseId };
    const preview = await stack.call('POST', '/notes', input);
    const created = await stack.call('POST', '/notes', {
      ...input,
      confirmationToken: preview.body.confirmationToken,
    });
    expect(created.status).toBe(201);

    const first = await stack.app.request(`/notes/${created.body.id}`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    const raw = await first.text();
    expect(raw.length).toBeLessThan(100_000);
    const answer = JSON.parse(raw) as Json;
    expect(answer).toMatchObject({ Title: 'Long call transcript', bodyLength: text.length, truncated: true });
    const offset = Number(/bodyOffset=(\d+)/.exec(answer.note)?.[1]);
    expect(answer.note).toBe(
      `body is cut to its first ${offset.toLocaleString('en-US')} of ${text.length.toLocaleString('en-US')} characters: call again with bodyOffset=${offset} for the rest.`,
    );
    expect(answer.body).toBe(text.slice(0, offset));
    const rest = await stack.call('GET', `/notes/${created.body.id}?bodyOffset=${offset}`);
    expect(rest.body.truncated).toBeUndefined();
    expect(answer.body + rest.body.body).toBe(text);
  });
});

describe('API-key mode', () => {
  it('acts as the integration user for callers with the key, and refuses others', async () => {
    const apiKey = 'an-api-key-of-at-least-32-characters-long';
    const service = serviceAuthFromEnv(demoServiceEnv(stack.emulator.url, DEMO.users.standard));
    const app = createActionsApp({
      ...FIXED,
      instanceUrl: stack.emulator.url,
      loginUrl: stack.emulator.url,
      apiKey,
      serviceSession: service?.source,
      confirmation: createActionsConfirmation({ secret: SECRET, writes: 'service' }),
    });
    const get = (key: string) =>
      app.request('/cases/by-number/00001104', { headers: { authorization: `Bearer ${key}` } });
    expect((await get(apiKey)).status).toBe(200);
    const wrong = await get(`${apiKey}x`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'SF_AUTH_FAILED' });
    // The user's own Salesforce token is not the key.
    expect((await get(stack.token)).status).toBe(401);
  });
});

describe('the OAuth relay', () => {
  it('sends the browser to the org’s authorize endpoint with the same query', async () => {
    const query =
      'response_type=code&client_id=sfgql-demo&redirect_uri=https%3A%2F%2Fchatgpt.com%2Faip%2Fg-1%2Foauth%2Fcallback&state=s1&scope=api+refresh_token';
    const response = await stack.app.request(`/oauth2/authorize?${query}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${stack.emulator.url}/services/oauth2/authorize?${query}`);
  });

  it("passes code and refresh grants to the org's token endpoint, with an expires_in", async () => {
    const sent: { url: string; body: string; authorization: string | null }[] = [];
    const fakeOrg: typeof fetch = async (url, init) => {
      sent.push({
        url: String(url),
        body: String(init?.body),
        authorization: new Headers(init?.headers).get('authorization'),
      });
      return Response.json({
        access_token: '00Dx!abc',
        refresh_token: 'r1',
        instance_url: 'https://x',
        token_type: 'Bearer',
      });
    };
    const app = createActionsApp({
      ...FIXED,
      fetch: fakeOrg,
      tokenExpiresIn: 1800,
      confirmation: createActionsConfirmation({ secret: SECRET, writes: 'service' }),
    });
    const response = await app.request('/oauth2/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Basic Y2lkOnNlY3JldA==',
      },
      body: 'grant_type=authorization_code&code=c1&redirect_uri=https%3A%2F%2Fchatgpt.com%2Fcb',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      access_token: '00Dx!abc',
      refresh_token: 'r1',
      expires_in: 1800,
    });
    expect(sent).toEqual([
      {
        url: 'https://login.salesforce.com/services/oauth2/token',
        body: 'grant_type=authorization_code&code=c1&redirect_uri=https%3A%2F%2Fchatgpt.com%2Fcb',
        authorization: 'Basic Y2lkOnNlY3JldA==',
      },
    ]);
  });

  it('relays only the code and refresh grants, and passes the org’s refusals through', async () => {
    const form = (body: string) =>
      stack.app.request('/oauth2/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    const password = await form(
      `grant_type=password&client_id=${DEMO.clientId}&client_secret=${DEMO.clientSecret}&username=${DEMO.username}&password=${DEMO.password}${DEMO.securityToken}`,
    );
    expect(password.status).toBe(400);
    expect(await password.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const badCode = await form(`grant_type=authorization_code&code=nope&client_id=${DEMO.clientId}`);
    expect(badCode.status).toBe(400);
    expect(await badCode.json()).toMatchObject({ error: expect.any(String) });
  });
});

describe('loadActionsConfig', () => {
  it('derives the public and login URLs and defaults the rest', () => {
    expect(loadActionsConfig({ SALESFORCE_INSTANCE_URL: 'https://x.my.salesforce.com' })).toMatchObject({
      port: 4100,
      publicUrl: 'http://127.0.0.1:4100',
      loginUrl: 'https://x.my.salesforce.com',
      dataDir: '.sfgql',
      confirmSecret: undefined,
      confirmTtlMs: 300_000,
      redisUrl: undefined,
      writes: 'service',
      oauth: 'relay',
      tokenExpiresIn: 3600,
      apiKey: undefined,
      serviceAuth: undefined,
    });
    expect(() => loadActionsConfig({})).toThrow(/SALESFORCE_INSTANCE_URL/);
  });

  it('refuses a short secret, a bad Redis URL, and an API key without an integration user', () => {
    const base = { SALESFORCE_INSTANCE_URL: 'https://x.my.salesforce.com' };
    expect(() => loadActionsConfig({ ...base, SFGQL_CONFIRM_SECRET: 'short' })).toThrow(/at least 32 bytes/);
    expect(() => loadActionsConfig({ ...base, SFGQL_REDIS_URL: 'localhost:6379' })).toThrow(/redis:\/\//);
    expect(() => loadActionsConfig({ ...base, SFGQL_ACTIONS_WRITES: 'everything' })).toThrow(
      /SFGQL_ACTIONS_WRITES/,
    );
    expect(() => loadActionsConfig({ ...base, SFGQL_ACTIONS_API_KEY: 'k'.repeat(32) })).toThrow(
      /integration user/,
    );
    const keyed = loadActionsConfig({
      ...base,
      SFGQL_ACTIONS_API_KEY: 'k'.repeat(32),
      SF_CLIENT_ID: 'id',
      SF_CLIENT_SECRET: 'secret',
    });
    expect(keyed.serviceAuth?.flow).toBe('client-credentials');
  });
});
