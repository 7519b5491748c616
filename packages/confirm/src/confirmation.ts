import type { AuditOutcome, AuditTrail } from './audit.ts';
import { hashArgs } from './canonical.ts';
import {
  DEFAULT_STORE_DEADLINE_MS,
  idempotencyStoreWithDeadline,
  nonceStoreWithDeadline,
} from './deadline.ts';
import { ConfirmationError, type MismatchedPart } from './errors.ts';
import {
  createMemoryIdempotencyStore,
  type IdempotencyEntry,
  IdempotencyError,
  type IdempotencyStore,
  isValidIdempotencyKey,
} from './idempotency.ts';
import { createMemoryNonceStore, type NonceStore } from './nonce-store.ts';
import { checkFields, checkWrite, isDestructive, type PolicyConfig, policyFor } from './policy.ts';
import { summarize } from './summary.ts';
import { type ConfirmationKeys, createTokenSigner, type TokenClaims } from './token.ts';
import type { ConfirmationRequest, FieldChange, WriteRequest } from './types.ts';

/** Five minutes: long enough for a person to read and answer, short enough to stay current. */
export const DEFAULT_TTL_MS = 5 * 60_000;

/**
 * Nonces are kept this much longer than their token lives, so that an instance whose clock runs
 * behind (and still sees the token as valid) still finds the nonce claimed.
 */
const CLOCK_SKEW_MS = 60_000;

/** How long a keyed write is remembered: a day, as Stripe keeps its idempotency keys. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;

/**
 * How long a keyed write may be running before it counts as abandoned: longer than the Salesforce
 * client's two-minute deadline, so a write still running is never taken for a dead one. An abandoned
 * write is never run again under its key (it may have happened): see `IDEMPOTENCY_OUTCOME_UNKNOWN`.
 */
const LEASE_MS = 3 * 60_000;

export interface ConfirmationOptions {
  /** The signing secrets (see `ConfirmationKeys` for rotation). */
  keys: ConfirmationKeys;
  /** How long a confirmation token lives; 5 minutes by default. */
  ttlMs?: number;
  /**
   * Where used tokens are remembered. A memory store by default, which forgets on restart: for
   * tests only. Deployments use `createSqliteStores` (`@sfgql/confirm/sqlite`) or Redis.
   */
  store?: NonceStore;
  /** Where idempotency keys and the results of keyed writes are kept; same default and advice. */
  idempotency?: IdempotencyStore;
  /** How long a keyed write is remembered; a day by default (never less than a day in deployments). */
  idempotencyTtlMs?: number;
  /** The deadline of every store call (default 500 ms); past it the write is refused, unwritten. */
  storeDeadlineMs?: number;
  /** Where writes are recorded. */
  audit?: AuditTrail;
  /** Write policies by client; by default every client may write anything, always confirmed. */
  policy?: PolicyConfig;
  /**
   * Told about store failures that do not fail the request (a result that could not be kept, a key
   * that could not be freed), for the logs. `console.error` by default.
   */
  onStoreError?: (error: unknown, context: { operation: string; step: string }) => void;
  /** The clock, in epoch milliseconds (for tests). */
  now?: () => number;
}

/** What the write callback is told about the confirmation that authorised it. */
export interface WriteContext {
  /** The token id (nonce), or null when the policy let the write run unconfirmed. */
  tokenId: string | null;
  /** The record written (update and delete), as the token binds it. */
  recordId: string | undefined;
  /**
   * The record's SystemModstamp the person saw in the preview (update and delete of a confirmed
   * write). Send it as `If-Unmodified-Since`: Salesforce then refuses the write (412) when the record
   * changed since, atomically, and the write callback reports it as stale (see `classify`).
   */
  ifUnmodifiedSince: string | undefined;
  /**
   * Tells the audit trail what the write changed, before and after, as Salesforce answered it
   * (a write made without a re-read knows this only once it has run). Without it, the request's
   * changes are recorded.
   */
  observe(changes: readonly FieldChange[]): void;
}

/** How a failed write ended, as far as this process can know. */
export type WriteFailure =
  /** Refused because the record changed since the preview (Salesforce's 412): nothing was written. */
  | 'stale'
  /** Refused, or failed before anything was sent: nothing was written. */
  | 'refused'
  /** No answer (a dropped connection, a timeout): it may have been written. */
  | 'unknown';

/** Options of one `execute`. */
export interface ExecuteOptions {
  /**
   * The client's idempotency key (GraphQL `clientMutationId`, REST `Idempotency-Key`). A repeated
   * call with the same key, by the same principal, for the same write (operation and exact
   * arguments) returns the first result and writes nothing, whatever token it carries. The same key
   * for another write is refused (`IDEMPOTENCY_KEY_REUSED`), as is a repeat while the first call
   * still runs (`IDEMPOTENCY_KEY_IN_USE`) or after it ended without an answer
   * (`IDEMPOTENCY_OUTCOME_UNKNOWN`). A write that was refused frees its key.
   */
  idempotencyKey?: string | undefined;
  /** Says how a failed write ended (default: `refused`). */
  classify?: (error: unknown) => WriteFailure;
  /**
   * The write as it would be now (the record read again), for the fresh confirmation a stale write
   * answers with (`CONFIRMATION_STALE`). Without it, a stale write is refused as it failed.
   */
  current?: () => Promise<WriteRequest>;
}

/**
 * What `execute` answers on its normal path: a confirmation to show (nothing was written), or the
 * result of the write. `replayed` says the result is the first one of a write repeated under its
 * idempotency key. Refusals and failures are thrown.
 */
export type ExecuteResult<T> =
  | { kind: 'preview'; confirmation: ConfirmationRequest }
  | { kind: 'done'; result: T; replayed: boolean };

/** The server side of the confirmation protocol. */
export interface Confirmation {
  /**
   * Checks the client's policy (throws `WriteForbiddenError`) and returns a confirmation request:
   * a fresh single-use token bound to exactly this write, with the summary and changes to show.
   * For an update or delete, `request.systemModstamp` is the record's as read for this preview.
   */
  preview(request: WriteRequest): Promise<ConfirmationRequest>;
  /**
   * Without a token: the preview (`{ kind: 'preview' }`), unless the policy exempts the operation.
   * With the token of a preview and the same arguments: performs the write, at most once per token
   * however many times or however concurrently the token is presented, and answers its result.
   *
   * With a token, `request` need not describe the record as it is (no re-read): the token carries
   * the version the person saw, and the write sends it as `If-Unmodified-Since` (see
   * {@link WriteContext}). Throws `CONFIRMATION_INVALID`, `_EXPIRED`, `_MISMATCH`, `_USED` or
   * `_STALE` (with a fresh preview), `WRITE_FORBIDDEN`, the `IDEMPOTENCY_*` refusals, or
   * `SERVICE_UNAVAILABLE` when a store does not answer; `write` then did not run. Every write that
   * runs is recorded in the audit trail, whatever its outcome.
   */
  execute<T>(
    request: WriteRequest,
    token: string | undefined,
    write: (ctx: WriteContext) => Promise<T>,
    options?: ExecuteOptions,
  ): Promise<ExecuteResult<T>>;
  /** Whether the client may perform this write (throws `WriteForbiddenError`) and needs to confirm it. */
  check(request: WriteRequest): { confirm: boolean };
}

function mismatches(claims: TokenClaims, request: WriteRequest, argsHash: string): MismatchedPart[] {
  const parts: MismatchedPart[] = [];
  const { principal } = request;
  if (
    claims.sub !== principal.userId ||
    claims.org !== principal.orgId ||
    claims.cid !== principal.clientId
  ) {
    parts.push('principal');
  }
  if (claims.op !== request.operation) parts.push('operation');
  if (claims.act !== request.action) parts.push('action');
  if (claims.obj !== request.object) parts.push('object');
  // Without a record id the arguments, which name it, are what binds the record.
  if (request.recordId !== undefined && request.action !== 'create' && claims.rid !== request.recordId) {
    parts.push('record');
  }
  if (claims.args !== argsHash) parts.push('arguments');
  return parts;
}

/** The changes as shown to the person: only the three documented keys, whatever the caller passed. */
function changesOf(changes: readonly FieldChange[]): FieldChange[] {
  return changes.map(({ field, before, after }) => ({ field, before, after }));
}

function idOf(value: unknown): string | null {
  const id = (value as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : null;
}

function errorCodeOf(error: unknown): string {
  const e = (error ?? {}) as { errorCode?: unknown; code?: unknown };
  if (typeof e.errorCode === 'string') return e.errorCode;
  if (typeof e.code === 'string') return e.code;
  return 'UNKNOWN_ERROR';
}

/**
 * Creates the confirmation protocol for one deployment (one per process; processes share the keys
 * and the stores: SQLite on one machine, Redis across machines).
 *
 * @example
 * const confirmation = createConfirmation({ keys: { current: secret }, store, idempotency, audit });
 * const first = await confirmation.execute(request, undefined, write); // { kind: 'preview', confirmation }
 * // The person agrees; the same call comes back with the token:
 * const done = await confirmation.execute(request, first.confirmation.token, write); // { kind: 'done', result }
 */
export function createConfirmation(options: ConfirmationOptions): Confirmation {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  if (!(ttlMs >= 1000)) throw new RangeError('The confirmation ttlMs must be at least one second.');
  const now = options.now ?? Date.now;
  const deadlineMs = options.storeDeadlineMs ?? DEFAULT_STORE_DEADLINE_MS;
  const store = nonceStoreWithDeadline(options.store ?? createMemoryNonceStore({ now }), deadlineMs);
  const idempotency = idempotencyStoreWithDeadline(
    options.idempotency ?? createMemoryIdempotencyStore({ now }),
    deadlineMs,
  );
  const idempotencyTtlMs = options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
  const policies = options.policy ?? { default: {} };
  const signer = createTokenSigner(options.keys, ttlMs);
  const storeError =
    options.onStoreError ??
    ((error: unknown, context: { operation: string; step: string }) =>
      console.error(`[sfgql/confirm] ${context.operation}: ${context.step}:`, error));

  /**
   * A preview of an update or delete names the record and its version, or the records of a batch
   * (a programming error otherwise).
   */
  function validatePreview(request: WriteRequest): void {
    if (request.action === 'create') return;
    if (!request.recordId && request.recordIds?.length) return;
    if (!request.recordId) throw new TypeError(`A ${request.action} preview needs the recordId.`);
    if (!request.systemModstamp) {
      throw new TypeError(`A ${request.action} preview needs the record's SystemModstamp.`);
    }
  }

  function check(request: WriteRequest) {
    return checkWrite(policyFor(policies, request.principal.clientId), request);
  }

  async function preview(request: WriteRequest): Promise<ConfirmationRequest> {
    validatePreview(request);
    check(request);
    const recordId = request.action === 'create' ? undefined : request.recordId;
    const changes = changesOf(request.changes);
    const signed = await signer.sign(
      {
        sub: request.principal.userId,
        org: request.principal.orgId,
        cid: request.principal.clientId,
        op: request.operation,
        act: request.action,
        obj: request.object,
        ...(recordId === undefined ? {} : { rid: recordId }),
        // The version seen: of the record, or the newest of a batch's records.
        ...(request.action !== 'create' && request.systemModstamp ? { msm: request.systemModstamp } : {}),
        args: hashArgs(request.args),
        fld: changes.map((c) => c.field),
      },
      now(),
    );
    return {
      token: signed.token,
      expiresAt: new Date(signed.exp * 1000).toISOString(),
      summary: request.summary ?? summarize({ ...request, recordId }),
      action: request.action,
      object: request.object,
      recordId: recordId ?? null,
      changes,
      destructive: isDestructive(request),
    };
  }

  /** Runs the write and records it; a failure keeps its cause and says how it ended. */
  async function run<T>(
    request: WriteRequest,
    authorised: { tokenId: string | null; recordId: string | undefined; msm: string | undefined },
    write: (ctx: WriteContext) => Promise<T>,
    executeOptions: ExecuteOptions,
  ): Promise<{ ok: true; value: T } | { ok: false; error: unknown; failure: WriteFailure }> {
    let observed: FieldChange[] | undefined;
    const record = (recordId: string | null, outcome: AuditOutcome) =>
      options.audit?.record({
        time: new Date(now()).toISOString(),
        principal: { userId: request.principal.userId, orgId: request.principal.orgId },
        client: request.principal.clientId,
        operation: request.operation,
        action: request.action,
        object: request.object,
        recordId,
        changes: observed ?? changesOf(request.changes),
        outcome,
        tokenId: authorised.tokenId,
      });
    try {
      const value = await write({
        tokenId: authorised.tokenId,
        recordId: authorised.recordId,
        ifUnmodifiedSince: authorised.msm,
        observe(changes) {
          observed = changesOf(changes);
        },
      });
      await record(idOf(value) ?? authorised.recordId ?? null, { status: 'written' });
      return { ok: true, value };
    } catch (error) {
      const failure = executeOptions.classify?.(error) ?? 'refused';
      const errorCode = failure === 'stale' ? 'CONFIRMATION_STALE' : errorCodeOf(error);
      await record(authorised.recordId ?? null, {
        status: failure === 'unknown' ? 'unknown' : 'refused',
        errorCode,
      });
      return { ok: false, error, failure };
    }
  }

  /** A stale write's refusal, with a fresh confirmation of the write as it would be now. */
  async function staleError(cause: unknown, executeOptions: ExecuteOptions): Promise<unknown> {
    if (!executeOptions.current) return cause;
    return new ConfirmationError(
      'CONFIRMATION_STALE',
      'The record changed since the confirmation was shown; confirm the new version.',
      { confirmation: await preview(await executeOptions.current()), cause },
    );
  }

  async function execute<T>(
    request: WriteRequest,
    token: string | undefined,
    write: (ctx: WriteContext) => Promise<T>,
    executeOptions: ExecuteOptions = {},
  ): Promise<ExecuteResult<T>> {
    const policy = policyFor(policies, request.principal.clientId);
    const key = keyOf(request, executeOptions.idempotencyKey);

    if (token === undefined || token === '') {
      validatePreview(request);
      if (key) {
        const held = await idempotency.get(key.scoped);
        if (held) return answerHeld<T>(held, key.fingerprint, undefined);
      }
      if (checkWrite(policy, request).confirm)
        return { kind: 'preview', confirmation: await preview(request) };
      // The policy exempts this write from confirmation: it runs now, without a precondition.
      return perform(
        request,
        { tokenId: null, recordId: request.recordId, msm: undefined },
        key,
        write,
        executeOptions,
      );
    }

    // Object and action first: a client that may not write this at all learns it whatever it sends.
    checkWrite(policy, { ...request, changes: [] });
    const claims = await signer.verify(token, now());
    const parts = mismatches(claims, request, hashArgs(request.args));
    if (parts.length > 0) {
      throw new ConfirmationError(
        'CONFIRMATION_MISMATCH',
        `The confirmation token was issued for another ${parts.join(', ')}.`,
        { mismatch: parts },
      );
    }
    // The fields the person saw changed, as the token binds them, against the policy of now.
    checkFields(policy, request.object, request.action, claims.fld);
    return perform(request, { tokenId: claims.jti, recordId: claims.rid, msm: claims.msm }, key, write, {
      ...executeOptions,
      nonceTtlMs: claims.exp * 1000 - now() + CLOCK_SKEW_MS,
    });
  }

  function keyOf(request: WriteRequest, idempotencyKey: string | undefined) {
    if (idempotencyKey === undefined) return undefined;
    if (!isValidIdempotencyKey(idempotencyKey)) {
      throw new IdempotencyError(
        'IDEMPOTENCY_KEY_INVALID',
        'An idempotency key is 1 to 255 printable ASCII characters, such as a UUID.',
      );
    }
    // Keys are the caller's own: the same key from another user or client is another key.
    const { userId, orgId, clientId } = request.principal;
    return {
      scoped: hashArgs({ userId, orgId, clientId, key: idempotencyKey }),
      // What makes two calls the same write: the operation and its exact arguments (which name the
      // record), as the token binds them.
      fingerprint: hashArgs({
        operation: request.operation,
        action: request.action,
        object: request.object,
        args: request.args,
      }),
    };
  }

  /** The answer to a call whose key is already held. */
  function answerHeld<T>(
    held: IdempotencyEntry,
    fingerprint: string,
    tokenId: string | undefined,
  ): ExecuteResult<T> {
    if (held.fingerprint !== fingerprint) {
      throw new IdempotencyError(
        'IDEMPOTENCY_KEY_REUSED',
        'This idempotency key was used for another write (other operation or arguments); use a new key for each write.',
      );
    }
    if (held.state === 'done') return { kind: 'done', result: held.result as T, replayed: true };
    if (tokenId !== undefined && held.tokenId === tokenId) {
      throw new ConfirmationError('CONFIRMATION_USED', 'The confirmation token has already been used.');
    }
    if (held.leaseUntil > now()) {
      throw new IdempotencyError(
        'IDEMPOTENCY_KEY_IN_USE',
        'A write with this idempotency key is still running; repeat the call once it has answered.',
      );
    }
    throw new IdempotencyError(
      'IDEMPOTENCY_OUTCOME_UNKNOWN',
      'A write with this idempotency key started but its outcome is unknown (it got no answer): it may have happened. Check the record before writing again, with a new key.',
    );
  }

  /**
   * Reserves the key (if any), claims the token (if any) and runs the write; then keeps its result
   * under the key, frees the key (nothing was written) or marks it abandoned (perhaps written).
   */
  async function perform<T>(
    request: WriteRequest,
    authorised: { tokenId: string | null; recordId: string | undefined; msm: string | undefined },
    key: { scoped: string; fingerprint: string } | undefined,
    write: (ctx: WriteContext) => Promise<T>,
    executeOptions: ExecuteOptions & { nonceTtlMs?: number },
  ): Promise<ExecuteResult<T>> {
    const context = (step: string) => ({ operation: request.operation, step });
    const release = async () => {
      if (key) await idempotency.release(key.scoped).catch((e) => storeError(e, context('free the key')));
    };
    if (key) {
      const pending: IdempotencyEntry = {
        state: 'pending',
        fingerprint: key.fingerprint,
        tokenId: authorised.tokenId,
        leaseUntil: now() + LEASE_MS,
      };
      const held = await idempotency.reserve(key.scoped, pending, idempotencyTtlMs);
      if (held) return answerHeld<T>(held, key.fingerprint, authorised.tokenId ?? undefined);
    }
    if (authorised.tokenId !== null && executeOptions.nonceTtlMs !== undefined) {
      // The nonce is claimed (durably) before anything is sent: of concurrent submissions of one
      // token, exactly one gets past this line, and a process that dies after it cannot make a
      // replay of the token write again. A token is spent even when the write then fails.
      let claimed: boolean;
      try {
        claimed = await store.claim(authorised.tokenId, executeOptions.nonceTtlMs);
      } catch (error) {
        await release();
        throw error;
      }
      if (!claimed) {
        await release();
        throw new ConfirmationError('CONFIRMATION_USED', 'The confirmation token has already been used.');
      }
    }
    const outcome = await run(request, authorised, write, executeOptions);
    if (outcome.ok) {
      // The write happened: its result is the answer even if the store cannot keep it (the key then
      // stays pending: a retry is refused as running, then as of unknown outcome, never rerun).
      if (key) {
        const done: IdempotencyEntry = {
          state: 'done',
          fingerprint: key.fingerprint,
          result: outcome.value ?? null,
        };
        await idempotency
          .put(key.scoped, done, idempotencyTtlMs)
          .catch((e) => storeError(e, context('keep the result')));
      }
      return { kind: 'done', result: outcome.value, replayed: false };
    }
    if (outcome.failure === 'unknown') {
      // It may have been written: the key must never let it run again.
      if (key) {
        const abandoned: IdempotencyEntry = {
          state: 'pending',
          fingerprint: key.fingerprint,
          tokenId: authorised.tokenId,
          leaseUntil: 0,
        };
        await idempotency
          .put(key.scoped, abandoned, idempotencyTtlMs)
          .catch((e) => storeError(e, context('mark the key abandoned')));
      }
      throw outcome.error;
    }
    await release();
    if (outcome.failure === 'stale') throw await staleError(outcome.error, executeOptions);
    throw outcome.error;
  }

  return { preview, execute, check };
}
