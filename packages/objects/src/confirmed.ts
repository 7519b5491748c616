import type { Caller } from '@sfgql/auth';
import {
  type Confirmation,
  ConfirmationError,
  checkFields,
  type ExecuteResult,
  type FieldChange,
  isConfirmationError,
  isWriteForbiddenError,
  type Principal,
  type WriteContext,
  type WriteFailure,
  type WritePolicy,
  type WriteRequest,
} from '@sfgql/confirm';
import {
  createSalesforceClient,
  type DescribeCache,
  isSalesforceError,
  type SalesforceClient,
  SalesforceError,
  soql,
} from '@sfgql/soql';
import {
  isWriteOperation,
  type Operation,
  type OperationContext,
  type WriteOperation,
  type WritePreview,
} from './operation.ts';
import { specNamed } from './specs.ts';

/**
 * What a door runs operations with for a resolved caller: a Salesforce client acting as them (the
 * describes shared by the door's callers, per user) and the principal their confirmations bind,
 * under the door's client id.
 */
export function callerContext(
  caller: Pick<Caller, 'session' | 'userId' | 'orgId'>,
  options: { clientId: string; apiVersion: string; describeCache?: DescribeCache },
): { client: SalesforceClient; principal: Principal } {
  return {
    client: createSalesforceClient({
      session: caller.session,
      apiVersion: options.apiVersion,
      ...(options.describeCache ? { describeCache: options.describeCache } : {}),
    }),
    principal: { userId: caller.userId, orgId: caller.orgId, clientId: options.clientId },
  };
}

/** What a confirmed write needs besides the operation context: who asks, the protocol, and the token if any. */
export interface ConfirmedWriteContext extends OperationContext {
  principal: Principal;
  confirmation: Confirmation;
  /** The token from an earlier preview; without it the write is previewed, not performed. */
  token?: string | undefined;
  /**
   * The client's idempotency key (GraphQL `clientMutationId`, REST `Idempotency-Key`): a repeated
   * call with the same key for the same write returns the first result instead of writing again.
   */
  idempotencyKey?: string | undefined;
}

/** What a confirmed write answers: a preview to show (nothing written), or the write's result. */
export type ConfirmedWriteResult = ExecuteResult<unknown>;

/** Field keys of the spec become Salesforce API names, as the confirmation policies name fields. */
function toRequest(
  operation: WriteOperation,
  preview: WritePreview,
  principal: Principal,
  args: unknown,
): WriteRequest {
  // Field keys become API names, as policies name fields: of the operation's object, or of the
  // object a batch names in its input.
  const fields = (operation.object ?? specNamed(preview.object))?.fields ?? {};
  return {
    principal,
    operation: operation.name,
    action: preview.action,
    object: preview.object,
    ...(preview.recordId ? { recordId: preview.recordId } : {}),
    ...(preview.recordIds?.length ? { recordIds: preview.recordIds } : {}),
    args,
    changes: preview.changes.map((c) => ({ ...c, field: fields[c.field]?.apiName ?? c.field })),
    ...(preview.systemModstamp ? { systemModstamp: preview.systemModstamp } : {}),
    destructive: preview.destructive,
    // The operation's own sentence is the one shown: it knows the object (queues, notes, line items).
    summary: preview.summary,
  };
}

/** Network failures in which nothing reached Salesforce. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * How a failed write ended: refused as stale when Salesforce's precondition failed (412), unknown
 * when no answer came (it may have been written), refused otherwise (Salesforce answered, or nothing
 * was sent).
 */
export function classifyWriteFailure(error: unknown): WriteFailure {
  if (!isSalesforceError(error)) return 'refused';
  if (error.code === 'SF_PRECONDITION_FAILED') return 'stale';
  if (error.code !== 'SF_REQUEST_FAILED' || error.status !== undefined) return 'refused';
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' && NOT_SENT.has(cause.code) ? 'refused' : 'unknown';
}

/** Refuses, as stale, a batch whose records changed after `since` (the newest version the person saw). */
async function unchangedSince(
  client: SalesforceClient,
  object: string,
  ids: readonly string[],
  since: string,
) {
  const changed = await client.query(
    soql`SELECT Id FROM ${soql.ident(object)} WHERE Id IN ${[...ids]} AND SystemModstamp > ${new Date(since)} LIMIT 1`,
  );
  if (changed.totalSize > 0)
    throw new SalesforceError(
      'SF_PRECONDITION_FAILED',
      `A ${object} of the batch changed after ${since}; nothing was written.`,
      {
        errorCode: 'PRECONDITION_FAILED',
        status: 412,
      },
    );
}

/**
 * The operation's client for a confirmed write: the update or delete of the confirmed record is
 * sent only if the record was not modified after the version the person saw (one call that also
 * reads the fields before and after, for the audit trail), and a create reports the values it set.
 * Every other call goes through unchanged.
 */
function confirmedClient(
  client: SalesforceClient,
  request: WriteRequest,
  write: WriteContext,
): SalesforceClient {
  const { recordId, ifUnmodifiedSince: since } = write;
  const isTarget = (object: string, id: string) =>
    since !== undefined && object.toLowerCase() === request.object.toLowerCase() && id === recordId;
  let created = false;
  const observeCreate = (object: string, values: Record<string, unknown>) => {
    if (created || object.toLowerCase() !== request.object.toLowerCase()) return;
    created = true;
    write.observe(Object.entries(values).map(([field, after]) => ({ field, before: null, after })));
  };
  return {
    ...client,
    async update(object, id, values) {
      if (!isTarget(object, id)) return client.update(object, id, values);
      const { before, after } = await client.updateIfUnmodified(object, id, values, since as string);
      write.observe(
        Object.keys(values).map(
          (field): FieldChange => ({ field, before: before[field], after: after[field] }),
        ),
      );
    },
    async delete(object, id) {
      if (!isTarget(object, id)) return client.delete(object, id);
      await client.deleteIfUnmodified(object, id, since as string);
    },
    // A batch's records are checked at once before it is sent: any changed since the version the
    // person saw makes the confirmation stale (sObject Collections take no precondition).
    async saveMany(object, records, options) {
      const ids = records.flatMap((r) => (typeof r.Id === 'string' ? [r.Id] : []));
      if (since !== undefined && ids.length) await unchangedSince(client, object, ids, since);
      return client.saveMany(object, records, options);
    },
    async deleteMany(ids, options) {
      if (since !== undefined) await unchangedSince(client, request.object, ids, since);
      return client.deleteMany(ids, options);
    },
    async create(object, values) {
      const result = await client.create(object, values);
      observeCreate(object, values);
      return result;
    },
    async createAndRead(object, values, fields) {
      const result = await client.createAndRead(object, values, fields);
      observeCreate(object, values);
      return result;
    },
  };
}

/**
 * Runs a write behind a confirmation token. Without a token: validates, reads what the preview
 * shows (`prepare`) and answers `{ kind: 'preview', confirmation }`. With the token from that
 * preview and the same arguments: performs the write exactly once without reading the record again
 * (an update or delete is sent only if the record is still the version the person saw; if it
 * changed, `CONFIRMATION_STALE` comes with a fresh preview) and answers `{ kind: 'done', result }`.
 * With an idempotency key, a retry of a write that succeeded answers its first result. Refusals and
 * failures are thrown. Every adapter calls this, so they cannot differ.
 */
export async function runConfirmedWrite(
  operation: WriteOperation,
  ctx: ConfirmedWriteContext,
  input: unknown,
): Promise<ConfirmedWriteResult> {
  const current = async () => {
    const preview = await operation.prepare(ctx, input);
    if (operation.object && preview.object !== operation.object.apiName) {
      throw new TypeError(
        `${operation.name} previews a ${preview.object}, not a ${operation.object.apiName}`,
      );
    }
    return toRequest(operation, preview, ctx.principal, input);
  };
  const token = ctx.token || undefined;
  const request: WriteRequest =
    !token || operation.confirmByPreview
      ? await current()
      : {
          principal: ctx.principal,
          operation: operation.name,
          action: operation.action,
          object: operation.object?.apiName ?? operation.objectOf?.(input) ?? '',
          args: input,
          changes: [],
        };
  try {
    return await ctx.confirmation.execute(
      request,
      token,
      (write) => operation.execute({ ...ctx, client: confirmedClient(ctx.client, request, write) }, input),
      { idempotencyKey: ctx.idempotencyKey, classify: classifyWriteFailure, current },
    );
  } catch (error) {
    // An upsert previewed as a create whose record appeared meanwhile (or the other way round):
    // what the person agreed to is not what would happen now.
    if (
      operation.confirmByPreview &&
      isConfirmationError(error) &&
      error.code === 'CONFIRMATION_MISMATCH' &&
      error.mismatch?.every((part) => part === 'action' || part === 'record')
    ) {
      const fresh = await ctx.confirmation.execute(request, undefined, async () => undefined, {
        classify: classifyWriteFailure,
      });
      throw new ConfirmationError(
        'CONFIRMATION_STALE',
        `The ${request.object} changed since the confirmation: it would now be ${request.action === 'create' ? 'created' : 'updated'}. Confirm the fresh summary.`,
        fresh.kind === 'preview' ? { confirmation: fresh.confirmation } : {},
      );
    }
    throw error;
  }
}

/**
 * Whether a write policy lets an operation write at all (its object and action; the fields are
 * checked per call). A door lists only the operations its policy allows: a read always is.
 */
export function isAllowedBy(policy: WritePolicy, op: Operation): boolean {
  if (!isWriteOperation(op)) return true;
  if (policy.readOnly) return false;
  if (!op.object) return true;
  try {
    checkFields(policy, op.object.apiName, op.action, []);
    return true;
  } catch (error) {
    if (isWriteForbiddenError(error)) return false;
    throw error;
  }
}
