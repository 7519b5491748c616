import type { SalesforceClient } from '@sfgql/soql';
import { z } from 'zod';
import { OperationError } from './errors.ts';
import type { ObjectSpec } from './spec.ts';

/** What an operation needs to run: a client acting as the calling user. */
export interface OperationContext {
  client: SalesforceClient;
  /** The clock, for "tomorrow" and date checks (tests fix it). */
  now?: () => Date;
}

/** Reads change nothing; writes change data; destructive writes remove it. */
export type OperationKind = 'read' | 'write' | 'destructive';

/**
 * What an operation does to its object: one of the five every object may have, or something of
 * its own (`special`: log a call, route a case, search everything).
 */
export type Verb = 'search' | 'get' | 'create' | 'update' | 'delete' | 'special';

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';

/** Where a REST door serves the operation. */
export interface RestRoute {
  method: HttpMethod;
  /** An OpenAPI path template; each `{Name}` is an input, named as callers see it. */
  path: `/${string}`;
  /** Input keys named otherwise than by the door's convention (the cookbook's `CaseId`). */
  rename?: Readonly<Record<string, string>>;
}

/** What a door may tell its callers about the operation (MCP annotations, OpenAPI, GraphQL docs). */
export interface OperationHints {
  /** Changes nothing. */
  readOnly: boolean;
  /** Removes data. */
  destructive: boolean;
  /** Doing it twice with the same input has the effect of doing it once. */
  idempotent: boolean;
  /** Reaches beyond the org (none does: every operation reads or writes the one Salesforce org). */
  openWorld: boolean;
}

/**
 * What a read returns, in terms of the catalog's objects, so that every door can answer the same
 * question from its own projection (a GraphQL list, a REST route, a tool) and a conformance test
 * can ask each door the same thing.
 */
export type ReadView =
  /** Records of one object: a search term, field equalities, scopes and a limit from the input. */
  | {
      kind: 'list';
      object: ObjectSpec;
      /** Input key → the field it must equal (`caseId` → `parentId`). */
      equals?: Readonly<Record<string, string>>;
    }
  /** One record of one object: by `id`, or by one of the object's keys (input key = field key). */
  | { kind: 'one'; object: ObjectSpec }
  /** One record of any object, by an Id whose key prefix names the object. */
  | { kind: 'node' }
  /** Records of several objects matching a term (SOSL). */
  | { kind: 'globalSearch' }
  /** Numbers about one object's records: counts and measures by group. */
  | { kind: 'aggregate' }
  /**
   * A related list: the records of `object` whose lookup names one record of `parent` (given as the
   * input `by`), through the parent's child relationship `relation` (`Contact.cases`).
   */
  | { kind: 'related'; object: ObjectSpec; parent: ObjectSpec; relation: string; by: string }
  /**
   * One record's activity timeline, by `id`: its tasks and events merged newest first, its recent
   * cases (where it has cases) and its notes, in one call (see `related.ts`).
   */
  | { kind: 'timeline'; object: ObjectSpec }
  /** Metadata, not records: an object's description, the org's limits. */
  | { kind: 'describe' }
  | { kind: 'limits' };

interface OperationBase<In extends z.ZodType, Out extends z.ZodType> {
  /** Unique, camelCase; also the REST operationId, the GraphQL mutation and the MCP tool name. */
  name: string;
  /** The object the operation is about; null for cross-object operations (global search, limits). */
  object: ObjectSpec | null;
  verb: Verb;
  /** A short sentence a model can act on. */
  summary: string;
  input: In;
  /** What it answers; a field that may be absent is nullable here, so no door promises it. */
  output: Out;
  rest: RestRoute;
  hints: OperationHints;
}

export interface ReadOperation<In extends z.ZodType = z.ZodType, Out extends z.ZodType = z.ZodType>
  extends OperationBase<In, Out> {
  kind: 'read';
  view: ReadView;
  /** Validates the input, then runs. Invalid input throws `INVALID_INPUT` before any call to Salesforce. */
  run(ctx: OperationContext, input: unknown): Promise<z.output<Out>>;
}

export interface FieldChange {
  /** The field's key in the spec. */
  field: string;
  before: unknown;
  after: unknown;
  /** The record it changes, when a write changes several. */
  recordId?: string;
}

/** What a write will do, shown to the caller before it happens. */
export interface WritePreview {
  action: 'create' | 'update' | 'delete';
  /** Salesforce object name. */
  object: string;
  recordId: string | null;
  /** The records of a write on several at once (a batch), instead of `recordId`. */
  recordIds?: string[];
  changes: FieldChange[];
  destructive: boolean;
  /** One sentence a model can read to a person. */
  summary: string;
  /** The record's SystemModstamp when the preview was made (updates and deletes). */
  systemModstamp: string | null;
}

/** The preview of a create: a new record of `object`, nothing destroyed, no stamp to compare later. */
export function newRecordPreview(object: string, changes: FieldChange[], summary: string): WritePreview {
  return {
    action: 'create',
    object,
    recordId: null,
    changes,
    destructive: false,
    summary,
    systemModstamp: null,
  };
}

export interface WriteOperation<In extends z.ZodType = z.ZodType, Out extends z.ZodType = z.ZodType>
  extends OperationBase<In, Out> {
  kind: 'write' | 'destructive';
  action: WritePreview['action'];
  /** Validates the input and reads what is needed to show what will happen; changes nothing. */
  prepare(ctx: OperationContext, input: unknown): Promise<WritePreview>;
  /** Performs the write. Callers present a confirmed preview first (see @sfgql/confirm). */
  execute(ctx: OperationContext, input: unknown): Promise<z.output<Out>>;
  /**
   * The object or the action follows from a fresh look, not from the operation alone (a batch
   * names its object in its input; an upsert creates or updates): its confirmation previews again
   * and is refused as stale when the action changed meanwhile.
   */
  confirmByPreview?: boolean;
  /** The object written, for an operation whose input names it (a batch); its own object otherwise. */
  objectOf?(input: unknown): string;
}

export type Operation = ReadOperation | WriteOperation;

export function isWriteOperation(operation: Operation): operation is WriteOperation {
  return operation.kind !== 'read';
}

export function isReadOperation(operation: Operation): operation is ReadOperation {
  return operation.kind === 'read';
}

/** Parses input with an operation's schema, throwing `INVALID_INPUT` that names each field and reason. */
export function parseInput<In extends z.ZodType>(schema: In, raw: unknown): z.output<In> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new OperationError('INVALID_INPUT', z.prettifyError(parsed.error), { cause: parsed.error });
  return parsed.data;
}

/** The hints of a read, or of a write by what it does to its record. */
export function hintsFor(action: 'read' | WritePreview['action'], destructive = false): OperationHints {
  return {
    readOnly: action === 'read',
    destructive: destructive || action === 'delete',
    // Setting the same values again, or deleting what is gone, changes nothing more; a create does.
    idempotent: action !== 'create',
    openWorld: false,
  };
}

type Definition<In extends z.ZodType, Out extends z.ZodType> = Omit<
  OperationBase<In, Out>,
  'verb' | 'hints'
> & { verb?: Verb };

export function defineRead<In extends z.ZodType, Out extends z.ZodType>(
  definition: Definition<In, Out> & {
    view: ReadView;
    execute(ctx: OperationContext, input: z.output<In>): Promise<z.output<Out>>;
  },
): ReadOperation<In, Out> {
  const { execute, verb = 'special', ...rest } = definition;
  return {
    ...rest,
    verb,
    kind: 'read',
    hints: hintsFor('read'),
    run: async (ctx, raw) => execute(ctx, parseInput(definition.input, raw)),
  };
}

export function defineWrite<In extends z.ZodType, Out extends z.ZodType>(
  definition: Definition<In, Out> & {
    action: WritePreview['action'];
    destructive?: boolean;
    confirmByPreview?: boolean;
    objectOf?(input: z.output<In>): string;
    prepare(ctx: OperationContext, input: z.output<In>): Promise<WritePreview>;
    execute(ctx: OperationContext, input: z.output<In>): Promise<z.output<Out>>;
  },
): WriteOperation<In, Out> {
  const { prepare, execute, destructive, objectOf, verb = 'special', ...rest } = definition;
  const kind = destructive || definition.action === 'delete' ? 'destructive' : 'write';
  return {
    ...rest,
    ...(objectOf ? { objectOf: (raw: unknown) => objectOf(parseInput(definition.input, raw)) } : {}),
    verb,
    kind,
    hints: hintsFor(definition.action, kind === 'destructive'),
    prepare: async (ctx, raw) => prepare(ctx, parseInput(definition.input, raw)),
    execute: async (ctx, raw) => execute(ctx, parseInput(definition.input, raw)),
  };
}

/** `Knowledge Article` → `KnowledgeArticle`, for operation names. */
export const typeName = (label: string) => label.replace(/[^A-Za-z0-9]/g, '');

/** `Pricebook Entries` → `pricebook-entries`: an object's REST collection. */
export const restCollection = (spec: ObjectSpec): `/${string}` =>
  `/${spec.labelPlural
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')}`;

/**
 * The REST route of one of an object's five generic verbs: `GET /{objects}` (search),
 * `GET /{objects}/{Id}`, `POST /{objects}`, `PATCH /{objects}/{Id}`, `DELETE /{objects}/{Id}`.
 */
export function restRoute(spec: ObjectSpec, verb: Exclude<Verb, 'special'>): RestRoute {
  const base = restCollection(spec);
  switch (verb) {
    case 'search':
      return { method: 'get', path: base };
    case 'get':
      return { method: 'get', path: `${base}/{Id}` };
    case 'create':
      return { method: 'post', path: base };
    case 'update':
      return { method: 'patch', path: `${base}/{Id}` };
    case 'delete':
      return { method: 'delete', path: `${base}/{Id}` };
    default:
      return verb satisfies never;
  }
}
