import { createConfirmation } from '@sfgql/confirm';
import type { EmulatorOptions, RunningEmulator } from '@sfgql/emulator';
import { ID_OBJECTS, RECORD_OF } from '@sfgql/objects/json-schema';
import { startDemoOrg } from '@sfgql/testing/demo-org';
import { emulatorControl } from '@sfgql/testing/emulator-control';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { type ActionsOptions, createActionsApp } from './app.ts';
import type { WriteScope } from './config.ts';
import { createActionsConfirmation } from './confirmation.ts';

export type ActionsApp = ReturnType<typeof createActionsApp>;
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies.
export type Json = any;

/** Settings for a document that does not depend on where the emulator listens (for snapshots). */
export const FIXED = {
  publicUrl: 'https://actions.example.com',
  instanceUrl: 'https://example.my.salesforce.com',
  loginUrl: 'https://login.salesforce.com',
  apiVersion: '60.0',
  authCacheTtlMs: 60_000,
} as const;

export const SECRET = 'test-secret-of-at-least-32-bytes-long!';

/** An app with fixed settings and no Salesforce behind it, for the documents. */
export function documentApp(options: Partial<ActionsOptions> = {}): ActionsApp {
  return createActionsApp({
    ...FIXED,
    confirmation: createConfirmation({ keys: { current: SECRET } }),
    ...options,
  });
}

export interface TestStack {
  emulator: RunningEmulator;
  app: ActionsApp;
  token: string;
  /** A request with the demo user's token (or the one given), a JSON body for objects. */
  call(
    method: string,
    path: string,
    body?: unknown,
    token?: string | null,
  ): Promise<{ status: number; body: Json; headers: Headers }>;
  /** The emulator's API calls since the last reset, by resource and by SOQL text. */
  metrics(): Promise<{ total: number; byResource: Record<string, number>; bySoql: Record<string, number> }>;
  resetMetrics(): Promise<void>;
  close(): Promise<void>;
}

/** An emulator with the demo org and an adapter in front of it, logged in as the demo admin. */
export async function startStack(
  options: {
    writes?: WriteScope;
    emulator?: EmulatorOptions;
    app?: Partial<ActionsOptions>;
    now?: () => number;
  } = {},
): Promise<TestStack> {
  const { emulator, session } = await startDemoOrg(options.emulator);
  const control = emulatorControl(emulator.url);
  const app = createActionsApp({
    ...FIXED,
    instanceUrl: emulator.url,
    loginUrl: emulator.url,
    confirmation: createActionsConfirmation({
      secret: SECRET,
      writes: options.writes ?? 'service',
      ...(options.now ? { now: options.now } : {}),
    }),
    ...options.app,
  });
  const token = session.accessToken;
  return {
    emulator,
    app,
    token,
    async call(method, path, body, as = token) {
      const response = await app.request(path, {
        method,
        headers: {
          ...(as ? { authorization: `Bearer ${as}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text ? JSON.parse(text) : undefined,
        headers: response.headers,
      };
    },
    metrics: () => control.metrics(),
    resetMetrics: () => control.resetMetrics(),
    close: () => emulator.close(),
  };
}

/**
 * An Ajv (JSON Schema 2020-12) that knows a document's component schemas, and compiles schemas
 * that refer to them. `strict` also refuses unknown keywords and other schema mistakes.
 */
export function createSchemaCompiler(document: Json, strict = false) {
  const ajv = new Ajv2020({ strict, strictTypes: false, allErrors: true, validateFormats: false });
  // The catalog's annotations on Ids and records (OpenAPI `x-` extensions): known, so that strict
  // mode accepts them.
  ajv.addKeyword(ID_OBJECTS);
  ajv.addKeyword(RECORD_OF);
  const local = (schema: Json): Json =>
    JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"urn:schemas:'));
  for (const [name, schema] of Object.entries(document.components.schemas as Record<string, Json>)) {
    ajv.addSchema(local(schema), `urn:schemas:${name}`);
  }
  return (schema: Json) => ajv.compile(local(schema));
}

/**
 * Checks a response against what the document promises for its operation and status: the status
 * is documented, and the body matches the documented schema (JSON Schema 2020-12, with the
 * document's components).
 */
export function createContractChecker(document: Json) {
  const compile = createSchemaCompiler(document);
  const resolve = (value: Json): Json =>
    typeof value?.$ref === 'string' && value.$ref.startsWith('#/components/responses/')
      ? document.components.responses[value.$ref.slice('#/components/responses/'.length)]
      : value;
  return (operationId: string, status: number, body: unknown): string[] => {
    for (const item of Object.values(document.paths) as Json[]) {
      for (const operation of Object.values(item) as Json[]) {
        if (operation.operationId !== operationId) continue;
        const response = resolve(operation.responses[String(status)]);
        if (!response) return [`${operationId} does not document status ${status}`];
        const media = response.content && (Object.values(response.content)[0] as Json);
        if (!media) return body === undefined ? [] : [`${operationId} ${status} documents no body`];
        const validate = compile(media.schema);
        return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
      }
    }
    return [`no operation ${operationId}`];
  };
}
