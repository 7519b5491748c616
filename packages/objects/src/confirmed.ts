import {
  type Confirmation,
  ConfirmationError,
  isConfirmationError,
  type Principal,
  type WriteRequest,
} from '@sfgql/confirm';
import type { OperationContext, WriteOperation, WritePreview } from './operation.ts';

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

/** Field keys of the spec become Salesforce API names, as the confirmation policies name fields. */
function toRequest(
  operation: WriteOperation,
  preview: WritePreview,
  principal: Principal,
  args: unknown,
): WriteRequest {
  const fields = operation.object?.fields ?? {};
  return {
    principal,
    operation: operation.name,
    action: preview.action,
    object: preview.object,
    ...(operation.object ? { objectLabel: operation.object.label.toLowerCase() } : {}),
    ...(preview.recordId ? { recordId: preview.recordId } : {}),
    args,
    changes: preview.changes.map((c) => ({ ...c, field: fields[c.field]?.apiName ?? c.field })),
    ...(preview.systemModstamp ? { systemModstamp: preview.systemModstamp } : {}),
    destructive: preview.destructive,
  };
}

/** The operation's own sentence is the one shown: it knows the object (queues, notes, line items). */
function withSummary(error: unknown, preview: WritePreview): unknown {
  if (!isConfirmationError(error) || !error.confirmation) return error;
  return new ConfirmationError(error.code, error.message, {
    confirmation: { ...error.confirmation, summary: preview.summary },
    ...(error.mismatch ? { mismatch: [...error.mismatch] } : {}),
    cause: error.cause,
  });
}

/**
 * Runs a write behind a confirmation token. Without a token: validates, previews and throws
 * `CONFIRMATION_REQUIRED` carrying the confirmation request. With the token from that preview and
 * the same arguments: previews again (the record as it is now, to catch a change made in between)
 * and performs the write exactly once. With an idempotency key, a retry of a write that succeeded
 * returns its first result. Both adapters call this, so they cannot differ.
 */
export async function runConfirmedWrite(
  operation: WriteOperation,
  ctx: ConfirmedWriteContext,
  input: unknown,
): Promise<unknown> {
  const preview = await operation.prepare(ctx, input);
  const request = toRequest(operation, preview, ctx.principal, input);
  try {
    return await ctx.confirmation.execute(request, ctx.token, () => operation.execute(ctx, input), {
      idempotencyKey: ctx.idempotencyKey,
    });
  } catch (error) {
    throw withSummary(error, preview);
  }
}
