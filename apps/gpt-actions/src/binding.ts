import type { Confirmation, Principal } from '@sfgql/confirm';
import { runConfirmedWrite } from '@sfgql/objects/confirmed';
import { reportError } from '@sfgql/objects/errors';
import { isSchema, type JsonSchema, jsonSchemaOf, primaryType } from '@sfgql/objects/json-schema';
import {
  type HttpMethod,
  isWriteOperation,
  type Operation,
  type OperationKind,
  type RestRoute,
} from '@sfgql/objects/operation';
import type { SalesforceClient } from '@sfgql/soql';
import { fitForGpt } from './fit.ts';
import { externalName, fieldKeyOf, toExternalValue } from './naming.ts';
import { confirmationFields, type InvalidParam, problem, problemFromError } from './problem.ts';
import { renameRecords, renameSchema, responseSchema } from './schema.ts';

export type Method = HttpMethod;

/** Who is calling: a client acting as them, and the principal confirmations are bound to. */
export interface Caller {
  client: SalesforceClient;
  principal: Principal;
}

/** One request to a bound operation, as the app hands it over. */
export interface ActionRequest {
  caller: Caller;
  confirmation: Confirmation;
  /** Path parameters, decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body; undefined when there is none. */
  body: unknown;
  /**
   * The `Idempotency-Key` header of a write: a retried write with the same key returns the first
   * result instead of writing again (see `@sfgql/confirm`).
   */
  idempotencyKey?: string | undefined;
}

/** An OpenAPI parameter object. */
export interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
  style?: 'form';
  explode?: boolean;
}

/**
 * An operation as one route of a profile: where it is, how the OpenAPI document describes it, and
 * how a request is turned into the operation's input and its result into a response.
 */
export interface Binding {
  operationId: string;
  /** The catalog operation it serves (none for the cookbook's raw SOQL query). */
  operation?: Operation;
  method: Method;
  /** The OpenAPI path template, e.g. `/cases/{Id}`. */
  path: string;
  kind: OperationKind;
  summary: string;
  description: string;
  parameters: Parameter[];
  requestBody?: JsonSchema;
  responses: Record<string, unknown>;
  handle(request: ActionRequest): Promise<Response>;
  /** The name a caller uses for one of the operation's keys (for error messages). */
  nameOf(key: string): string;
}

export const json = (status: number, body: unknown, contentType = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': contentType } });

export const problemResponse = (body: { status: number }, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problemContent = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

/** The error responses, shared by every operation of a document through `components.responses`. */
export const ERROR_RESPONSES = {
  BadRequest: problemContent(
    'Invalid input (invalidParams names each input and why), or a refused confirmation.',
  ),
  Unauthorized: problemContent('No Salesforce token, or an expired one: sign in again.'),
  Forbidden: problemContent('The Salesforce user, or this connection, may not do this.'),
  NotFound: problemContent('No such record.'),
  Conflict: problemContent(
    'The confirmation was already used, or the record changed (a fresh one is attached).',
  ),
} as const;

const responseRef = (name: keyof typeof ERROR_RESPONSES) => ({ $ref: `#/components/responses/${name}` });

/** The responses every bound operation can give besides its success. */
export function errorResponses(kind: OperationKind): Record<string, unknown> {
  return {
    400: responseRef('BadRequest'),
    401: responseRef('Unauthorized'),
    403: responseRef('Forbidden'),
    404: responseRef('NotFound'),
    ...(kind === 'read' ? {} : { 409: responseRef('Conflict') }),
  };
}

/** A read's answer may have been cut to fit in a GPT Action (see `fitForGpt`): it says so. */
function withTruncation(schema: JsonSchema): JsonSchema {
  if (!isSchema(schema.properties)) return schema;
  return {
    ...schema,
    properties: {
      ...schema.properties,
      truncated: { type: 'boolean', description: 'Present when the answer was cut to fit in one answer.' },
      note: { type: 'string', description: 'What was cut, and how to read the rest.' },
    },
  };
}

/** The 200 answer of a write called without a confirmation token. */
export const CONFIRMATION_REQUIRED_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Nothing was written yet: the user must agree first.',
  properties: {
    status: { type: 'string', enum: ['confirmation_required'] },
    confirmationToken: {
      type: 'string',
      description: 'Send back with the same arguments, once the user agrees. Single use.',
    },
    summary: { type: 'string', description: 'What will happen, to read to the user.' },
    changes: {
      type: 'array',
      description: 'Each field that changes, before and after.',
      items: { type: 'object', properties: { field: { type: 'string' }, before: {}, after: {} } },
    },
    expiresAt: { type: 'string', format: 'date-time', description: 'When the token expires.' },
    destructive: { type: 'boolean', description: 'Whether data is removed.' },
    next: { type: 'string', description: 'What to do now.' },
  },
  required: ['status', 'confirmationToken', 'summary', 'changes', 'expiresAt'],
};

const TOKEN_DESCRIPTION =
  'Leave out on the first call: the answer is then a confirmation (nothing is written) with a summary to read to the user and a confirmationToken. Only after the user agrees, repeat the same call with the same arguments and this confirmationToken. Never invent a token.';

/** Where a DELETE takes its token: the query string, or a JSON body. */
const DELETE_TOKEN = ' Send it in the query string, or in a JSON body {"confirmationToken": "..."}.';

const CONFIRM_HINT =
  'First call: writes nothing, returns a summary. Read it to the user; if they agree, repeat the call with its confirmationToken.';

/**
 * An operation's description for a model: what it does and, for writes, the confirmation protocol
 * (for a DELETE, where its token goes).
 */
export function describeOperation(
  summary: string,
  kind: OperationKind,
  method: HttpMethod = 'post',
): { summary: string; description: string } {
  const first = summary.match(/^(.+?\.)(\s|$)/)?.[1] ?? summary;
  return {
    summary: first.length <= 120 ? first : `${first.slice(0, 117)}...`,
    description:
      kind === 'read'
        ? summary
        : `${kind === 'destructive' ? 'Destructive. ' : ''}${summary} ${CONFIRM_HINT}${method === 'delete' ? DELETE_TOKEN : ''}`,
  };
}

interface InputParam {
  key: string;
  name: string;
  in: 'path' | 'query' | 'body';
  schema: JsonSchema;
  required: boolean;
  /** The values name fields (a search's `fields`): they go by API names too. */
  fieldValues: boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A query parameter's text as the type its schema says, leaving anything else for validation to name. */
function coerce(values: string[], schema: JsonSchema): unknown {
  const type = primaryType(schema);
  if (type === 'array')
    return values
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
  const value = values[values.length - 1] as string;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  if (type === 'boolean' && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === 'true';
  return value;
}

/**
 * Binds an operation of `@sfgql/objects` to its route (the catalog's, unless a profile serves it
 * elsewhere, as the cookbook does), generically: its zod input becomes path, query or body
 * parameters named by the convention of `naming.ts`; reads answer 200 with the result (404 when
 * there is none); writes go through the confirmation protocol.
 */
export function bindOperation(op: Operation, route: RestRoute = op.rest): Binding {
  const spec = op.object;
  const rename = route.rename ?? {};
  const write = isWriteOperation(op);
  const inQuery = route.method === 'get' || route.method === 'delete';
  const pathNames = new Set([...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string));
  const input = jsonSchemaOf(op.input, 'input');
  const required = new Set((input.required as string[] | undefined) ?? []);
  const params: InputParam[] = Object.entries((input.properties ?? {}) as Record<string, JsonSchema>).map(
    ([key, schema]) => {
      const name = externalName(spec, key, rename);
      const renamed = renameSchema(schema, spec);
      const items = renamed.items as JsonSchema | undefined;
      return {
        key,
        name,
        in: pathNames.has(name) ? 'path' : inQuery ? 'query' : 'body',
        schema: renamed,
        required: required.has(key) || pathNames.has(name),
        fieldValues: Boolean(items?.enum && items.enum !== (schema.items as JsonSchema | undefined)?.enum),
      };
    },
  );
  for (const name of pathNames) {
    if (!params.some((p) => p.name === name && p.in === 'path'))
      throw new Error(`${op.name}: the path ${route.path} names {${name}}, which is not an input`);
  }
  const byName = new Map(params.map((p) => [p.name.toLowerCase(), p]));
  const nameOf = (key: string) => externalName(spec, key, rename);

  const parameters: Parameter[] = params
    .filter((p) => p.in !== 'body')
    .map((p) => {
      const { description, ...schema } = p.schema;
      return {
        name: p.name,
        in: p.in as 'path' | 'query',
        required: p.required,
        ...(typeof description === 'string' ? { description } : {}),
        schema,
        ...(primaryType(schema) === 'array' ? { style: 'form' as const, explode: true } : {}),
      };
    });
  const tokenSchema = { type: 'string' };
  if (write && inQuery)
    parameters.push({
      name: 'confirmationToken',
      in: 'query',
      required: false,
      description: `${TOKEN_DESCRIPTION}${route.method === 'delete' ? DELETE_TOKEN : ''}`,
      schema: tokenSchema,
    });
  const bodyParams = params.filter((p) => p.in === 'body');
  const requestBody =
    bodyParams.length || (write && !inQuery)
      ? {
          type: 'object',
          properties: {
            ...Object.fromEntries(bodyParams.map((p) => [p.name, p.schema])),
            ...(write ? { confirmationToken: { ...tokenSchema, description: TOKEN_DESCRIPTION } } : {}),
          },
          ...(bodyParams.some((p) => p.required)
            ? { required: bodyParams.filter((p) => p.required).map((p) => p.name) }
            : {}),
          additionalProperties: false,
        }
      : undefined;

  const { summary, description } = describeOperation(op.summary, op.kind, route.method);
  const output = jsonSchemaOf(op.output, 'output');
  const success: Record<string, unknown> = write
    ? {
        200: {
          description: 'A confirmation to show the user; nothing was written.',
          content: { 'application/json': { schema: ref('ConfirmationRequired') } },
        },
        ...(isWriteOperation(op) && op.action === 'create'
          ? {
              201: {
                description: 'Created: the new record Id.',
                content: { 'application/json': { schema: responseSchema(output) } },
              },
            }
          : { 204: { description: 'Done.' } }),
      }
    : {
        200: {
          description: 'The result.',
          content: { 'application/json': { schema: withTruncation(responseSchema(renameRecords(output))) } },
        },
      };

  /** The caller's parameters as the operation's input, or the inputs that cannot be understood. */
  function readInput(request: ActionRequest) {
    const values: Record<string, unknown> = {};
    const problems: InvalidParam[] = [];
    let token: string | undefined;
    const accepted = (where: InputParam['in']) =>
      [
        ...params.filter((p) => p.in === where).map((p) => p.name),
        ...(write ? ['confirmationToken'] : []),
      ].join(', ');
    const unknown = (name: string, where: InputParam['in']) =>
      problems.push({
        name,
        reason: `is not an input of ${op.name}; it takes: ${accepted(where) || 'nothing here'}`,
      });
    const setToken = (value: unknown) => {
      if (typeof value === 'string' && value.trim()) token = value.trim();
      else if (value !== undefined && value !== null && value !== '')
        problems.push({
          name: 'confirmationToken',
          reason: 'must be the token string from the confirmation',
        });
    };
    const inputValue = (p: InputParam, value: unknown) =>
      p.fieldValues && Array.isArray(value)
        ? value.map((v) => (typeof v === 'string' ? (fieldKeyOf(spec, v) ?? v) : v))
        : value;

    for (const p of params) if (p.in === 'path') values[p.key] = request.params[p.name];
    for (const name of new Set(request.query.keys())) {
      const all = request.query.getAll(name);
      const p = byName.get(name.toLowerCase());
      if (write && name.toLowerCase() === 'confirmationtoken') setToken(all[all.length - 1]);
      else if (p?.in !== 'query') unknown(name, 'query');
      else values[p.key] = inputValue(p, coerce(all, p.schema));
    }
    if (request.body !== undefined) {
      if (!isPlainObject(request.body)) problems.push({ name: '(body)', reason: 'must be a JSON object' });
      else {
        for (const [name, value] of Object.entries(request.body)) {
          const p = byName.get(name.toLowerCase());
          if (write && name.toLowerCase() === 'confirmationtoken') setToken(value);
          else if (p?.in === 'body' || (route.method === 'delete' && p?.in === 'query'))
            values[p.key] = inputValue(p, value);
          else if (route.method === 'delete' && p?.in === 'path') {
            // A model repeating the record's Id beside its token: the same record, or a mistake.
            if (String(value).trim() !== request.params[p.name])
              problems.push({ name, reason: `must be the ${p.name} of the path, ${request.params[p.name]}` });
          } else unknown(name, route.method === 'delete' ? 'query' : 'body');
        }
      }
    }
    if (!problems.length) {
      const parsed = op.input.safeParse(values);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const [first, ...rest] = issue.path.map(String);
          const name = first === undefined ? '(arguments)' : [nameOf(first), ...rest].join('.');
          problems.push({ name, reason: issue.message });
        }
      }
    }
    return { values, token, problems };
  }

  async function handle(request: ActionRequest): Promise<Response> {
    const { values, token, problems } = readInput(request);
    if (problems.length) {
      return problemResponse(
        problem(
          400,
          'INVALID_INPUT',
          `Invalid input: ${problems.map((p) => `${p.name}: ${p.reason}`).join('; ')}.`,
          { invalidParams: problems },
        ),
      );
    }
    if (!isWriteOperation(op)) {
      const result = await op.run(request.caller, values);
      if (result === null || result === undefined) {
        const what = Object.entries(values)
          .map(([key, value]) => `${nameOf(key)} ${JSON.stringify(value)}`)
          .join(' and ');
        const label = spec?.label.toLowerCase() ?? 'record';
        return problemResponse(
          problem(404, 'NOT_FOUND', `No ${label} has ${what}. Check it with the user, or search first.`),
        );
      }
      // A text cut to fit is read on through the operation's `<field>Offset` input, if it has one.
      const readMore = (path: readonly (string | number)[], kept: number) => {
        const offset = params.find(
          (p) =>
            p.in !== 'body' &&
            path.length === 1 &&
            p.name.toLowerCase() === `${String(path[0])}offset`.toLowerCase(),
        );
        return offset && `${offset.name}=${Number(values[offset.key] ?? 0) + kept}`;
      };
      return json(200, fitForGpt(toExternalValue(result, output), readMore));
    }
    const outcome = await runConfirmedWrite(
      op,
      {
        ...request.caller,
        confirmation: request.confirmation,
        token,
        idempotencyKey: request.idempotencyKey,
      },
      values,
    );
    if (outcome.kind === 'preview') {
      return json(200, {
        status: 'confirmation_required',
        ...confirmationFields(outcome.confirmation),
        destructive: outcome.confirmation.destructive,
        next: `Read the summary to the user. If they agree, call ${op.name} again with the same arguments and this confirmationToken; if not, do not call it again.`,
      });
    }
    return op.action === 'create' ? json(201, outcome.result) : new Response(null, { status: 204 });
  }
  return {
    operationId: op.name,
    operation: op,
    method: route.method,
    path: route.path,
    kind: op.kind,
    summary,
    description,
    parameters,
    ...(requestBody ? { requestBody } : {}),
    responses: { ...success, ...errorResponses(op.kind) },
    handle,
    nameOf,
  };
}

/** A binding's errors as problem responses, with the keys named as the caller named them. */
export function errorResponse(binding: Pick<Binding, 'nameOf'>, error: unknown): Response {
  const body = problemFromError(error, binding.nameOf);
  if (body.status === 401) {
    return problemResponse(body, { 'www-authenticate': 'Bearer realm="salesforce", error="invalid_token"' });
  }
  const { retryAfter } = reportError(error);
  return problemResponse(body, retryAfter ? { 'retry-after': String(retryAfter) } : {});
}
