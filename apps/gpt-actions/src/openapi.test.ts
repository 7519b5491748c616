import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { updateCaseStatus } from '@sfgql/objects/case';
import { operations } from '@sfgql/objects/catalog';
import { describe, expect, it } from 'vitest';
import { loadActionsConfig } from './config.ts';
import { escapeHtml } from './front-page.ts';
import { DEFAULT_PROFILE, profiles, servedBindings } from './profiles.ts';

/** Whether an operation writes, by its binding (a read may be a POST, such as an aggregate). */
const writes = (operationId: string) =>
  servedBindings().some((b) => b.operationId === operationId && b.kind !== 'read');

import { createSchemaCompiler, documentApp, type Json } from './test-support.ts';

const app = documentApp();
const documentOf = async (name: string): Promise<Json> =>
  (await app.request(`/openapi.json?profile=${name}`)).json();

/** Every operation object of a document, with its method and path. */
function operationsOf(doc: Json): { method: string; path: string; op: Json }[] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Json>).map(([method, op]) => ({ method, path, op })),
  );
}

/** Every schema object in an operation: parameters, request body and responses. */
function schemasOf(doc: Json): Json[] {
  const found: Json[] = [...Object.values(doc.components.schemas as Record<string, Json>)];
  for (const { op } of operationsOf(doc)) {
    for (const p of op.parameters ?? []) found.push(p.schema);
    const body = op.requestBody?.content?.['application/json']?.schema;
    if (body) found.push(body);
    for (const response of Object.values(op.responses as Record<string, Json>)) {
      for (const media of Object.values((response.content ?? {}) as Record<string, Json>))
        found.push(media.schema);
    }
  }
  return found;
}

describe.each(profiles.map((p) => p.name))('the %s profile', (name) => {
  it('is a valid OpenAPI 3.1 document, and each of its schemas a valid JSON Schema 2020-12', async () => {
    const doc = await documentOf(name);
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The OpenAPI schema accepts any object as a schema; Ajv compiles each one against the dialect.
    const compile = createSchemaCompiler(doc, true);
    for (const schema of schemasOf(doc)) expect(() => compile(schema)).not.toThrow();
  });

  it("fits GPT Actions' limits", async () => {
    const doc = await documentOf(name);
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.length).toBeLessThanOrEqual(30);
    const ids = ops.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { method, op } of ops) {
      expect(op.operationId).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(op.summary.length, `${op.operationId} summary`).toBeLessThanOrEqual(300);
      expect(op.description.length, `${op.operationId} description`).toBeLessThanOrEqual(300);
      for (const p of op.parameters ?? []) {
        expect(p.description?.length ?? 0, `${op.operationId} ${p.name}`).toBeLessThanOrEqual(700);
      }
      for (const [prop, schema] of Object.entries(
        (op.requestBody?.content['application/json'].schema.properties ?? {}) as Record<string, Json>,
      )) {
        expect(schema.description?.length ?? 0, `${op.operationId} ${prop}`).toBeLessThanOrEqual(700);
      }
      // Reads are safe to allow always; every write asks the user, in ChatGPT and in the protocol.
      const write = writes(op.operationId);
      if (!write) expect(['get', 'post']).toContain(method);
      expect(op['x-openai-isConsequential'], op.operationId).toBe(write);
      if (write) {
        expect(op.responses['200'].content['application/json'].schema.$ref).toBe(
          '#/components/schemas/ConfirmationRequired',
        );
        expect(op.description).toContain('confirmationToken');
      }
    }
    expect(doc.servers).toEqual([{ url: 'https://actions.example.com' }]);
    expect(doc.components.securitySchemes.salesforceOAuth).toEqual({
      type: 'oauth2',
      description: expect.any(String),
      flows: {
        authorizationCode: {
          authorizationUrl: 'https://actions.example.com/oauth2/authorize',
          tokenUrl: 'https://actions.example.com/oauth2/token',
          scopes: { api: expect.any(String), refresh_token: expect.any(String) },
        },
      },
    });
    expect(doc.security).toEqual([{ salesforceOAuth: ['api', 'refresh_token'] }]);
    // GPT Actions: request and response payloads under 100,000 characters; the document too.
    expect(JSON.stringify(doc).length).toBeLessThan(100_000);
  });

  it('stays as reviewed (a change to the document is a visible diff)', async () => {
    await expect(`${JSON.stringify(await documentOf(name), null, 2)}\n`).toMatchFileSnapshot(
      `./__snapshots__/openapi/${name}.json.snap`,
    );
  });
});

describe('the profiles', () => {
  it('are checked by a validator that does refuse a broken document', async () => {
    const broken = await documentOf('cookbook');
    delete broken.info;
    broken.paths['/services/data/v60.0/query'].get.responses = { 200: { content: 'none' } };
    const result = await new Validator().validate(broken);
    expect(result.valid).toBe(false);
    expect(JSON.stringify(result.errors)).toContain('info');
  });

  it('serve every operation of @sfgql/objects, and the cookbook status change', () => {
    const covered = new Set(servedBindings().map((b) => b.operationId));
    const missing = [...operations.keys(), updateCaseStatus.name].filter((name) => !covered.has(name));
    expect(missing).toEqual([]);
  });

  it('give the cookbook the guide’s paths, parameters, operationIds and success responses', async () => {
    const doc = await documentOf('cookbook');
    const query = doc.paths['/services/data/v60.0/query'].get;
    expect(query.operationId).toBe('getCaseDetailsFromNumber');
    expect(query.parameters).toEqual([expect.objectContaining({ name: 'q', in: 'query', required: true })]);
    expect(Object.keys(query.responses['200'].content['application/json'].schema.properties)).toEqual([
      'totalSize',
      'done',
      'records',
    ]);
    const record = doc.paths['/services/data/v60.0/sobjects/Case/{CaseId}'];
    expect(record.patch.operationId).toBe('updateCaseStatus');
    expect(record.patch.parameters).toEqual([
      expect.objectContaining({ name: 'CaseId', in: 'path', required: true }),
    ]);
    expect(Object.keys(record.patch.requestBody.content['application/json'].schema.properties)).toEqual([
      'Status',
      'confirmationToken',
    ]);
    expect(record.patch.responses['204']).toBeDefined();
    expect(record.delete.operationId).toBe('deleteCase');
    expect(record.delete.responses['204']).toBeDefined();
    expect(Object.keys(doc.paths)).toHaveLength(2);
  });

  it('give the service profile the issue’s typed case work', async () => {
    const doc = await documentOf('service');
    const ids = operationsOf(doc).map(({ op }) => op.operationId);
    expect(ids).toEqual(
      expect.arrayContaining([
        'getCaseDetailsFromNumber',
        'updateCaseStatus',
        'deleteCase',
        'createCaseFromConversation',
        'addCaseComment',
        'searchKnowledge',
        'getKnowledgeArticle',
        'searchContacts',
        'listQueues',
        'routeCaseToQueue',
      ]),
    );
    expect(await documentOf('')).toEqual(await documentOf(DEFAULT_PROFILE));
    expect(await (await app.request('/openapi.json')).json()).toEqual(await documentOf(DEFAULT_PROFILE));
  });

  it("give the calls profile a voice agent's whole call", async () => {
    const ids = operationsOf(await documentOf('calls')).map(({ op }) => op.operationId);
    expect(ids).toEqual(
      expect.arrayContaining([
        'searchContacts',
        'getContactTimeline',
        'createCase',
        'logCall',
        'scheduleEvent',
        'createNote',
        'searchKnowledge',
        'getKnowledgeArticle',
        'routeCaseToQueue',
        'createCaseFromConversation',
      ]),
    );
  });

  it('say where a DELETE takes its confirmation token: the query string or a JSON body', async () => {
    for (const profile of profiles) {
      for (const { method, op } of operationsOf(await documentOf(profile.name))) {
        if (method !== 'delete') continue;
        expect(op.description, op.operationId).toContain('in the query string, or in a JSON body');
        const token = op.parameters.find((p: Json) => p.name === 'confirmationToken');
        expect(token, op.operationId).toMatchObject({ in: 'query', required: false });
        expect(token.description).toContain('JSON body');
      }
    }
  });

  it('name Salesforce fields by their API names in bodies, parameters and records', async () => {
    const doc = await documentOf('service');
    const update = doc.paths['/cases/{Id}'].patch;
    const body = update.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining(['Subject', 'Status', 'ContactId', 'confirmationToken']),
    );
    expect(body.properties.Status).toMatchObject({
      type: ['string', 'null'],
      enum: ['New', 'Working', 'Escalated', 'Closed', null],
    });
    const search = doc.paths['/contacts'].get;
    expect(search.parameters.map((p: Json) => p.name)).toEqual(['term', 'limit', 'fields']);
    expect(search.parameters[2].schema.items.enum).toContain('MailingCity');
    const record = search.responses['200'].content['application/json'].schema.properties.records.items;
    expect(Object.keys(record.properties)).toEqual(expect.arrayContaining(['Id', 'FirstName', 'Email']));
  });

  it('are listed at /openapi with their URLs, operations and GPT instructions', async () => {
    const list = (await (await app.request('/openapi')).json()) as Json;
    expect(list.profiles.map((p: Json) => p.name)).toEqual([
      'service',
      'calls',
      'cookbook',
      'sales',
      'activities',
      'marketing',
      'admin',
    ]);
    expect(list.profiles[0]).toMatchObject({
      default: true,
      url: 'https://actions.example.com/openapi.json?profile=service',
      instructions: expect.stringContaining('getCaseDetailsFromNumber'),
    });
    const unknown = await app.request('/openapi.json?profile=nope');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      detail: expect.stringContaining('service, calls, cookbook, sales'),
    });
  });

  it('are listed on the front page with their documents and instructions, escaped', async () => {
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    for (const profile of profiles) {
      expect(html).toContain(`href="https://actions.example.com/openapi.json?profile=${profile.name}"`);
      expect(html).toContain(escapeHtml(profile.instructions));
    }
    expect(html).toContain('status &quot;confirmation_required&quot;');
    expect(html).toContain('https://actions.example.com/oauth2/authorize');
    expect(html).not.toMatch(/<script|<link|src=/i);
    // What a read-only adapter offers, no more.
    const readOnly = await (await documentApp({ writes: 'none' }).request('/')).text();
    expect(readOnly).not.toContain('<code>createCase</code>');
    expect(readOnly).toContain('<code>getContactTimeline</code>');
    expect(escapeHtml(`<img src=x onerror="alert('1')">&`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;',
    );
  });

  it("are pasted as-is from the README's GPT instructions", async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    for (const profile of profiles) expect(readme, profile.name).toContain(profile.instructions);
  });

  it('describe the org’s own OAuth URLs when not relayed, and a bearer key in API-key mode', async () => {
    const direct = (await (await documentApp({ oauth: 'direct' }).request('/openapi.json')).json()) as Json;
    expect(direct.components.securitySchemes.salesforceOAuth.flows.authorizationCode).toMatchObject({
      authorizationUrl: 'https://login.salesforce.com/services/oauth2/authorize',
      tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
    });
    const keyed = documentApp({
      apiKey: 'k'.repeat(40),
      serviceSession: { current: async () => ({ instanceUrl: FIXED_INSTANCE, accessToken: 'x' }) },
    });
    const doc = (await (await keyed.request('/openapi.json')).json()) as Json;
    expect(doc.components.securitySchemes).toEqual({
      apiKey: { type: 'http', scheme: 'bearer', description: expect.any(String) },
    });
    expect(doc.security).toEqual([{ apiKey: [] }]);
    expect((await keyed.request('/oauth2/authorize')).status).toBe(404);
  });
});

const FIXED_INSTANCE = 'https://example.my.salesforce.com';

describe('the documents under a write policy', () => {
  const documented = (doc: Json): { operationId: string; method: string }[] =>
    Object.values(doc.paths as Record<string, Record<string, Json>>).flatMap((item) =>
      Object.entries(item).map(([method, op]) => ({ operationId: op.operationId, method })),
    );

  it('list no write at all when the adapter is read-only (SFGQL_ACTIONS_WRITES=none)', async () => {
    const app = documentApp({ writes: 'none' });
    for (const profile of profiles) {
      const doc = (await (await app.request(`/openapi.json?profile=${profile.name}`)).json()) as Json;
      const ops = documented(doc);
      if (profile.name !== 'cookbook') expect(ops.length, profile.name).toBeGreaterThan(0);
      expect(
        ops.filter((o) => writes(o.operationId)),
        profile.name,
      ).toEqual([]);
    }
    const list = (await (await app.request('/openapi')).json()) as Json;
    for (const p of list.profiles)
      expect(
        p.operations.filter((name: string) =>
          /^(create|update|delete|add|remove|log|schedule|route)/.test(name),
        ),
      ).toEqual([]);
  });

  it("list every write of the default profiles under the default policy (pnpm start's)", async () => {
    const app = documentApp({
      writes: loadActionsConfig({ SALESFORCE_INSTANCE_URL: 'https://x.example.com' }).writes,
    });
    for (const name of ['service', 'calls', 'cookbook']) {
      const doc = (await (await app.request(`/openapi.json?profile=${name}`)).json()) as Json;
      const profile = profiles.find((p) => p.name === name);
      expect(
        documented(doc)
          .map((o) => o.operationId)
          .sort(),
        name,
      ).toEqual(profile?.bindings.map((b) => b.operationId).sort());
    }
  });

  it('list only the writes the service policy allows (SFGQL_ACTIONS_WRITES=service)', async () => {
    const app = documentApp({ writes: 'service' });
    const sales = documented((await (await app.request('/openapi.json?profile=sales')).json()) as Json);
    expect(sales.some((o) => o.operationId === 'searchAccounts')).toBe(true);
    expect(sales.filter((o) => writes(o.operationId))).toEqual([]);
    const service = documented((await (await app.request('/openapi.json?profile=service')).json()) as Json);
    expect(service.map((o) => o.operationId)).toEqual(
      expect.arrayContaining(['createCase', 'routeCaseToQueue', 'logCall']),
    );
  });
});
