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

interface OperationBase<In extends z.ZodType, Out extends z.ZodType> {
  /** Unique, camelCase; also the REST operationId and the GraphQL field name. */
  name: string;
  /** The object the operation is about; null for cross-object operations (global search, limits). */
  object: ObjectSpec | null;
  /** A short sentence a model can act on. */
  summary: string;
  input: In;
  output: Out;
}

export interface ReadOperation<In extends z.ZodType = z.ZodType, Out extends z.ZodType = z.ZodType>
  extends OperationBase<In, Out> {
  kind: 'read';
  /** Validates the input, then runs. Invalid input throws `INVALID_INPUT` before any call to Salesforce. */
  run(ctx: OperationContext, input: unknown): Promise<z.output<Out>>;
}

export interface FieldChange {
  /** The field's key in the spec. */
  field: string;
  before: unknown;
  after: unknown;
}

/** What a write will do, shown to the caller before it happens. */
export interface WritePreview {
  action: 'create' | 'update' | 'delete';
  /** Salesforce object name. */
  object: string;
  recordId: string | null;
  changes: FieldChange[];
  destructive: boolean;
  /** One sentence a model can read to a person. */
  summary: string;
  /** The record's SystemModstamp when the preview was made (updates and deletes). */
  systemModstamp: string | null;
}

export interface WriteOperation<In extends z.ZodType = z.ZodType, Out extends z.ZodType = z.ZodType>
  extends OperationBase<In, Out> {
  kind: 'write' | 'destructive';
  action: WritePreview['action'];
  /** Validates the input and reads what is needed to show what will happen; changes nothing. */
  prepare(ctx: OperationContext, input: unknown): Promise<WritePreview>;
  /** Performs the write. Callers present a confirmed preview first (see @sfgql/confirm). */
  execute(ctx: OperationContext, input: unknown): Promise<z.output<Out>>;
}

export type Operation = ReadOperation | WriteOperation;

export function isWriteOperation(operation: Operation): operation is WriteOperation {
  return operation.kind !== 'read';
}

/** Parses input with an operation's schema, throwing `INVALID_INPUT` that names each field and reason. */
export function parseInput<In extends z.ZodType>(schema: In, raw: unknown): z.output<In> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new OperationError('INVALID_INPUT', z.prettifyError(parsed.error), { cause: parsed.error });
  return parsed.data;
}

export function defineRead<In extends z.ZodType, Out extends z.ZodType>(
  definition: OperationBase<In, Out> & {
    execute(ctx: OperationContext, input: z.output<In>): Promise<z.output<Out>>;
  },
): ReadOperation<In, Out> {
  const { execute, ...rest } = definition;
  return { ...rest, kind: 'read', run: async (ctx, raw) => execute(ctx, parseInput(definition.input, raw)) };
}

export function defineWrite<In extends z.ZodType, Out extends z.ZodType>(
  definition: OperationBase<In, Out> & {
    action: WritePreview['action'];
    destructive?: boolean;
    prepare(ctx: OperationContext, input: z.output<In>): Promise<WritePreview>;
    execute(ctx: OperationContext, input: z.output<In>): Promise<z.output<Out>>;
  },
): WriteOperation<In, Out> {
  const { prepare, execute, destructive, ...rest } = definition;
  return {
    ...rest,
    kind: destructive || definition.action === 'delete' ? 'destructive' : 'write',
    prepare: async (ctx, raw) => prepare(ctx, parseInput(definition.input, raw)),
    execute: async (ctx, raw) => execute(ctx, parseInput(definition.input, raw)),
  };
}
