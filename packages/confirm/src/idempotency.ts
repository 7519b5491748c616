/**
 * Idempotency keys for writes: a client that did not hear the answer to a write (its connection
 * dropped, it timed out, it crashed) repeats the call with the same key and gets the first result
 * back instead of writing a second time. GraphQL carries the key as `clientMutationId`, REST as the
 * `Idempotency-Key` header; both reach `Confirmation.execute` through `runConfirmedWrite`.
 */

/** What a store keeps under one key: a write in progress, or the result of one that succeeded. */
export type IdempotencyEntry =
  | { state: 'pending'; fingerprint: string }
  | { state: 'done'; fingerprint: string; result: unknown };

/**
 * Where idempotency keys and the results they stand for are kept. `reserve` must be atomic: of any
 * number of concurrent reservations of one key, across every instance sharing the store, exactly
 * one resolves `null`.
 */
export interface IdempotencyStore {
  /**
   * Reserves `key` for a write about to run, for `ttlMs`. Resolves `null` when the key was free
   * (the caller now holds it), or the entry already there.
   */
  reserve(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyEntry | null>;
  /** Records the result of the write that held `key`, kept for `ttlMs`. It must be plain JSON. */
  complete(key: string, fingerprint: string, result: unknown, ttlMs: number): Promise<void>;
  /** Frees `key` after a write that did not happen or failed, so that a retry may run it. */
  release(key: string): Promise<void>;
}

/** A process-local idempotency store; `size` is for tests and metrics. */
export interface MemoryIdempotencyStore extends IdempotencyStore {
  /** Keys held right now (expired ones are swept on later reservations). */
  size(): number;
}

/**
 * An idempotency store in this process's memory: right for one instance; several instances behind
 * a load balancer share `createRedisIdempotencyStore` from `@sfgql/confirm/redis`. Results are
 * kept as JSON text, so a replay returns a copy no caller can have changed. Expired keys are swept
 * during reservations, at most once per `sweepEveryMs`, so no timer keeps the process alive.
 */
export function createMemoryIdempotencyStore(
  options: { now?: () => number; sweepEveryMs?: number } = {},
): MemoryIdempotencyStore {
  const now = options.now ?? Date.now;
  const sweepEveryMs = options.sweepEveryMs ?? 60_000;
  const entries = new Map<string, { expiry: number; text: string }>();
  let lastSweep = now();

  return {
    async reserve(key, fingerprint, ttlMs) {
      const at = now();
      if (at - lastSweep >= sweepEveryMs) {
        lastSweep = at;
        for (const [k, entry] of entries) if (entry.expiry <= at) entries.delete(k);
      }
      const held = entries.get(key);
      if (held && held.expiry > at) return JSON.parse(held.text) as IdempotencyEntry;
      entries.set(key, { expiry: at + ttlMs, text: JSON.stringify({ state: 'pending', fingerprint }) });
      return null;
    },
    async complete(key, fingerprint, result, ttlMs) {
      entries.set(key, {
        expiry: now() + ttlMs,
        text: JSON.stringify({ state: 'done', fingerprint, result: result ?? null }),
      });
    },
    async release(key) {
      entries.delete(key);
    },
    size() {
      return entries.size;
    },
  };
}

/** Why a keyed write was refused. */
export type IdempotencyErrorCode =
  /** The key is empty, too long or not printable ASCII. */
  | 'IDEMPOTENCY_KEY_INVALID'
  /** The key was used before for another write (other operation, record or arguments). */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** A write with this key is running right now; repeat the call once it has answered. */
  | 'IDEMPOTENCY_KEY_IN_USE';

/** A write refused because of its idempotency key; nothing was written. */
export class IdempotencyError extends Error {
  override name = 'IdempotencyError';
  readonly code: IdempotencyErrorCode;

  constructor(code: IdempotencyErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}

export function isIdempotencyError(error: unknown): error is IdempotencyError {
  return error instanceof IdempotencyError;
}

/**
 * The HTTP status of each refusal, as Stripe and the IETF `Idempotency-Key` draft answer them:
 * 400 for a malformed key, 422 for a key reused with other arguments, 409 while the first write runs.
 */
export const IDEMPOTENCY_HTTP_STATUS: Readonly<Record<IdempotencyErrorCode, number>> = {
  IDEMPOTENCY_KEY_INVALID: 400,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_IN_USE: 409,
};

/** A key is 1 to 255 printable ASCII characters (a UUID is the usual choice). */
export function isValidIdempotencyKey(key: string): boolean {
  return key.length > 0 && key.length <= 255 && /^[\x21-\x7e]+$/.test(key);
}
