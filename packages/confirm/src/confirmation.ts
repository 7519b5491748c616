import type { AuditResult, AuditTrail } from './audit.ts';
import { hashArgs } from './canonical.ts';
import { ConfirmationError, type MismatchedPart } from './errors.ts';
import {
  createMemoryIdempotencyStore,
  IdempotencyError,
  type IdempotencyStore,
  isValidIdempotencyKey,
} from './idempotency.ts';
import { createMemoryNonceStore, type NonceStore } from './nonce-store.ts';
import { checkWrite, DEFAULT_GATEWAY_POLICY, isDestructive, type PolicyConfig, policyFor } from './policy.ts';
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

/** How long the result of a keyed write is replayed: a day, as Stripe keeps its idempotency keys. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;

/**
 * How long a keyed write may run before its key is free again: longer than the Salesforce client's
 * two-minute deadline, so a write still running is never started a second time; short enough that
 * a key held by a process that crashed mid-write frees itself.
 */
const PENDING_TTL_MS = 3 * 60_000;

export interface ConfirmationOptions {
  /** The signing secrets (see `ConfirmationKeys` for rotation). */
  keys: ConfirmationKeys;
  /** How long a confirmation token lives; 5 minutes by default. */
  ttlMs?: number;
  /** Where used tokens are remembered; a memory store by default (one instance only). */
  store?: NonceStore;
  /** Where executed writes are recorded. */
  audit?: AuditTrail;
  /**
   * Where idempotency keys and the results of keyed writes are kept; a memory store by default (one
   * instance only; several share `createRedisIdempotencyStore`).
   */
  idempotency?: IdempotencyStore;
  /** How long the result of a keyed write is replayed; a day by default. */
  idempotencyTtlMs?: number;
  /** Write policies by client; by default every client may write anything, always confirmed. */
  policy?: PolicyConfig;
  /** The clock, in epoch milliseconds (for tests). */
  now?: () => number;
}

/** What the write callback is told: which token authorised it, and the record version previewed. */
export interface WriteContext {
  /** The token id (nonce), or null when the policy let the write run unconfirmed. */
  tokenId: string | null;
  /**
   * The SystemModstamp the person saw in the preview (update and delete). Salesforce's REST API
   * honours `If-Unmodified-Since` on record updates, which closes the gap between this package's
   * staleness check and the write itself.
   */
  systemModstamp: string | undefined;
}

/** Options of one `execute`. */
export interface ExecuteOptions {
  /**
   * The client's idempotency key (GraphQL `clientMutationId`, REST `Idempotency-Key`). A repeated
   * call with the same key, by the same principal, for the same write returns the first result and
   * writes nothing, whatever token it carries. The same key for another write is refused
   * (`IDEMPOTENCY_KEY_REUSED`), as is a repeat while the first call still runs
   * (`IDEMPOTENCY_KEY_IN_USE`). A write that fails frees its key.
   */
  idempotencyKey?: string | undefined;
}

/** The server side of the confirmation protocol. */
export interface Confirmation {
  /**
   * Checks the client's policy (throws `WriteForbiddenError`) and returns a confirmation request:
   * a fresh single-use token bound to exactly this write, with the summary and changes to show.
   */
  preview(request: WriteRequest): Promise<ConfirmationRequest>;
  /**
   * Performs the write if, and only if, the token authorises exactly this request; `write` runs at
   * most once per token, however many times or however concurrently the token is presented.
   *
   * `request` describes the record as it is now (its current SystemModstamp and changes). Without a
   * token, throws `CONFIRMATION_REQUIRED` carrying a preview (unless the policy exempts the
   * operation). Throws `CONFIRMATION_INVALID`, `_EXPIRED`, `_MISMATCH`, `_USED` or `_STALE` (with a
   * fresh preview) when the token does not authorise the write; `write` then does not run.
   * Every write that runs is recorded in the audit trail, whether Salesforce accepted it or not.
   * With an idempotency key (see {@link ExecuteOptions}), a write that already succeeded under that
   * key is not run again: its result is returned.
   */
  execute<T>(
    request: WriteRequest,
    token: string | undefined,
    write: (ctx: WriteContext) => Promise<T>,
    options?: ExecuteOptions,
  ): Promise<T>;
  /** Whether the client may perform this write (throws `WriteForbiddenError`) and needs to confirm it. */
  check(request: WriteRequest): { confirm: boolean };
}

function validate(request: WriteRequest): void {
  if (request.action !== 'create') {
    if (!request.recordId) throw new TypeError(`A ${request.action} request needs the recordId.`);
    if (!request.systemModstamp) {
      throw new TypeError(`A ${request.action} request needs the record's SystemModstamp.`);
    }
  }
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
  if ((claims.rid ?? null) !== (request.action === 'create' ? null : (request.recordId ?? null))) {
    parts.push('record');
  }
  if (claims.args !== argsHash) parts.push('arguments');
  return parts;
}

/** The changes as shown to the person: only the three documented keys, whatever the caller passed. */
function changesOf(request: WriteRequest): FieldChange[] {
  return request.changes.map(({ field, before, after }) => ({ field, before, after }));
}

function resultOf(value: unknown, request: WriteRequest): AuditResult {
  const id = (value as { id?: unknown } | null | undefined)?.id;
  return { success: true, id: typeof id === 'string' ? id : (request.recordId ?? null) };
}

function errorCodeOf(error: unknown): string {
  const e = (error ?? {}) as { errorCode?: unknown; code?: unknown };
  if (typeof e.errorCode === 'string') return e.errorCode;
  if (typeof e.code === 'string') return e.code;
  return 'UNKNOWN_ERROR';
}

/**
 * Creates the confirmation protocol for one deployment (one per process; instances behind a load
 * balancer share the keys and a Redis nonce store).
 *
 * @example
 * const confirmation = createConfirmation({ keys: { current: secret }, audit });
 * // First call, no token: throws CONFIRMATION_REQUIRED with `error.confirmation` to show.
 * // Second call, same arguments and the token: runs the write once.
 * const result = await confirmation.execute(request, token, () => client.update('Case', id, values));
 */
export function createConfirmation(options: ConfirmationOptions): Confirmation {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  if (!(ttlMs >= 1000)) throw new RangeError('The confirmation ttlMs must be at least one second.');
  const now = options.now ?? Date.now;
  const store = options.store ?? createMemoryNonceStore({ now });
  const idempotency = options.idempotency ?? createMemoryIdempotencyStore({ now });
  const idempotencyTtlMs = options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
  const policies = options.policy ?? { default: DEFAULT_GATEWAY_POLICY };
  const signer = createTokenSigner(options.keys, ttlMs);

  function check(request: WriteRequest) {
    return checkWrite(policyFor(policies, request.principal.clientId), request);
  }

  async function preview(request: WriteRequest): Promise<ConfirmationRequest> {
    validate(request);
    check(request);
    const recordId = request.action === 'create' ? undefined : request.recordId;
    const signed = await signer.sign(
      {
        sub: request.principal.userId,
        org: request.principal.orgId,
        cid: request.principal.clientId,
        op: request.operation,
        act: request.action,
        obj: request.object,
        ...(recordId === undefined ? {} : { rid: recordId }),
        args: hashArgs(request.args),
        ...(recordId === undefined ? {} : { msm: request.systemModstamp }),
        chg: hashArgs(changesOf(request)),
      },
      now(),
    );
    return {
      token: signed.token,
      expiresAt: new Date(signed.exp * 1000).toISOString(),
      summary: summarize({ ...request, recordId }),
      action: request.action,
      object: request.object,
      recordId: recordId ?? null,
      changes: changesOf(request),
      destructive: isDestructive(request),
    };
  }

  async function run<T>(
    request: WriteRequest,
    tokenId: string | null,
    systemModstamp: string | undefined,
    write: (ctx: WriteContext) => Promise<T>,
  ): Promise<T> {
    const record = (result: AuditResult) =>
      options.audit?.record({
        time: new Date(now()).toISOString(),
        principal: { userId: request.principal.userId, orgId: request.principal.orgId },
        client: request.principal.clientId,
        operation: request.operation,
        action: request.action,
        object: request.object,
        recordId: result.success ? result.id : (request.recordId ?? null),
        changes: changesOf(request),
        result,
        tokenId,
      });
    let value: T;
    try {
      value = await write({ tokenId, systemModstamp });
    } catch (error) {
      await record({ success: false, errorCode: errorCodeOf(error) });
      throw error;
    }
    await record(resultOf(value, request));
    return value;
  }

  async function execute<T>(
    request: WriteRequest,
    token: string | undefined,
    write: (ctx: WriteContext) => Promise<T>,
    executeOptions: ExecuteOptions = {},
  ): Promise<T> {
    const key = executeOptions.idempotencyKey;
    if (key === undefined) return executeOnce(request, token, write);
    validate(request);
    check(request);
    if (!isValidIdempotencyKey(key)) {
      throw new IdempotencyError(
        'IDEMPOTENCY_KEY_INVALID',
        'An idempotency key is 1 to 255 printable ASCII characters, such as a UUID.',
      );
    }
    // Keys are the caller's own: the same key from another user or client is another key.
    const { userId, orgId, clientId } = request.principal;
    const scoped = hashArgs({ userId, orgId, clientId, key });
    // What makes two calls the same write: everything the token binds, except the token itself.
    const fingerprint = hashArgs({
      operation: request.operation,
      action: request.action,
      object: request.object,
      recordId: request.action === 'create' ? null : (request.recordId ?? null),
      args: request.args,
    });
    const held = await idempotency.reserve(scoped, fingerprint, PENDING_TTL_MS);
    if (held) {
      if (held.fingerprint !== fingerprint) {
        throw new IdempotencyError(
          'IDEMPOTENCY_KEY_REUSED',
          'This idempotency key was used for another write; use a new key for each write.',
        );
      }
      if (held.state === 'pending') {
        throw new IdempotencyError(
          'IDEMPOTENCY_KEY_IN_USE',
          'A write with this idempotency key is still running; repeat the call once it has answered.',
        );
      }
      return held.result as T;
    }
    let value: T;
    try {
      value = await executeOnce(request, token, write);
    } catch (error) {
      // Nothing was written (a preview, a refusal, a failed write): a retry may run it.
      await idempotency.release(scoped).catch(() => {});
      throw error;
    }
    // The write happened: its result is the answer even if the store cannot keep it (the key then
    // stays pending until it expires, and a retry meanwhile is told the write is running).
    await idempotency.complete(scoped, fingerprint, value, idempotencyTtlMs).catch(() => {});
    return value;
  }

  async function executeOnce<T>(
    request: WriteRequest,
    token: string | undefined,
    write: (ctx: WriteContext) => Promise<T>,
  ): Promise<T> {
    validate(request);
    const { confirm } = check(request);
    if (token === undefined || token === '') {
      if (!confirm) return run(request, null, undefined, write);
      throw new ConfirmationError(
        'CONFIRMATION_REQUIRED',
        'This write needs confirmation: show the summary to the person, then repeat the call with the token.',
        { confirmation: await preview(request) },
      );
    }
    const claims = await signer.verify(token, now());
    const parts = mismatches(claims, request, hashArgs(request.args));
    if (parts.length > 0) {
      throw new ConfirmationError(
        'CONFIRMATION_MISMATCH',
        `The confirmation token was issued for another ${parts.join(', ')}.`,
        { mismatch: parts },
      );
    }
    // The nonce is claimed before anything else can happen: of concurrent submissions of one
    // token, exactly one gets past this line. A token is spent even when the write then fails or
    // the record turns out stale: a retry starts with a fresh preview.
    const claimed = await store.claim(claims.jti, claims.exp * 1000 - now() + CLOCK_SKEW_MS);
    if (!claimed) {
      throw new ConfirmationError('CONFIRMATION_USED', 'The confirmation token has already been used.');
    }
    // Stale when the record's SystemModstamp moved, or when the changes the person saw no longer
    // hold (Salesforce's SystemModstamp has whole-second precision in practice, so two writes in
    // one second share it; the "before" values still tell them apart).
    const moved = request.action !== 'create' && claims.msm !== request.systemModstamp;
    if (moved || claims.chg !== hashArgs(changesOf(request))) {
      throw new ConfirmationError(
        'CONFIRMATION_STALE',
        'The record changed since the confirmation was shown; confirm the new version.',
        { confirmation: await preview(request) },
      );
    }
    return run(request, claims.jti, claims.msm, write);
  }

  return { preview, execute, check };
}
