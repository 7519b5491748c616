/**
 * Idempotency keys for writes: a client that did not hear the answer to a write (its connection
 * dropped, it timed out, it crashed) repeats the call with the same key and gets the first result
 * back instead of writing a second time. GraphQL carries the key as `clientMutationId`, REST as the
 * `Idempotency-Key` header; both reach `Confirmation.execute` through `runConfirmedWrite`.
 */

/**
 * What a store keeps under one key: a write that started (`pending`), or the result of one that
 * succeeded (`done`). A pending write whose lease ran out without a result is one whose outcome is
 * unknown: its process died mid-write, or Salesforce never answered.
 */
export type IdempotencyEntry =
  | {
      state: 'pending';
      /** What the key was used for (the caller, operation and exact arguments). */
      fingerprint: string;
      /** The confirmation token the write ran under (its nonce), null when it ran unconfirmed. */
      tokenId: string | null;
      /** Epoch milliseconds until which the write may still be running. */
      leaseUntil: number;
    }
  | { state: 'done'; fingerprint: string; result: unknown };

/**
 * Where idempotency keys and the results they stand for are kept: a small key-value store with
 * expiry. `reserve` must be atomic: of any number of concurrent reservations of one key, across
 * every process sharing the store, exactly one resolves `null`. Entries are plain JSON.
 */
export interface IdempotencyStore {
  /**
   * Stores `entry` under `key` for `ttlMs` if the key is free; resolves `null` then, or the entry
   * already there. When `signal` aborts (the caller gave up waiting), a reservation that may still
   * land later must be undone once it does.
   */
  reserve(
    key: string,
    entry: IdempotencyEntry,
    ttlMs: number,
    options?: { signal?: AbortSignal },
  ): Promise<IdempotencyEntry | null>;
  /** The entry under `key`, if any. */
  get(key: string): Promise<IdempotencyEntry | undefined>;
  /** Replaces the entry under `key`, kept for `ttlMs`. */
  put(key: string, entry: IdempotencyEntry, ttlMs: number): Promise<void>;
  /** Frees `key` (the write it stood for did not happen). */
  release(key: string): Promise<void>;
}

/** A process-local idempotency store; `size` is for tests and metrics. */
export interface MemoryIdempotencyStore extends IdempotencyStore {
  /** Keys held right now (expired ones are swept on later reservations). */
  size(): number;
}

/**
 * An idempotency store in this process's memory: for tests and for a process whose data folder is
 * `:memory:`. It forgets everything when the process ends: deployments use the SQLite store
 * (`@sfgql/confirm/sqlite`, the default of the apps) or Redis (`@sfgql/confirm/redis`). Entries are
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
  const live = (key: string, at = now()) => {
    const held = entries.get(key);
    return held && held.expiry > at ? held : undefined;
  };

  return {
    async reserve(key, entry, ttlMs) {
      const at = now();
      if (at - lastSweep >= sweepEveryMs) {
        lastSweep = at;
        for (const [k, held] of entries) if (held.expiry <= at) entries.delete(k);
      }
      const held = live(key, at);
      if (held) return JSON.parse(held.text) as IdempotencyEntry;
      entries.set(key, { expiry: at + ttlMs, text: JSON.stringify(entry) });
      return null;
    },
    async get(key) {
      const held = live(key);
      return held ? (JSON.parse(held.text) as IdempotencyEntry) : undefined;
    },
    async put(key, entry, ttlMs) {
      entries.set(key, { expiry: now() + ttlMs, text: JSON.stringify(entry) });
    },
    async release(key) {
      entries.delete(key);
    },
    size() {
      return entries.size;
    },
  };
}

/** Why a keyed write was refused. Nothing was written in any case. */
export type IdempotencyErrorCode =
  /** The key is empty, too long or not printable ASCII. */
  | 'IDEMPOTENCY_KEY_INVALID'
  /** The key was used before by this caller for another write (other operation or arguments). */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** A write with this key is running right now; repeat the call once it has answered. */
  | 'IDEMPOTENCY_KEY_IN_USE'
  /**
   * A write with this key started but its outcome is unknown (the server stopped while it ran, or
   * Salesforce never answered): it may or may not have happened, so it is not run again.
   */
  | 'IDEMPOTENCY_OUTCOME_UNKNOWN';

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
 * 400 for a malformed key, 422 for a key reused with other arguments, 409 while the first write
 * runs or when its outcome is unknown.
 */
export const IDEMPOTENCY_HTTP_STATUS: Readonly<Record<IdempotencyErrorCode, number>> = {
  IDEMPOTENCY_KEY_INVALID: 400,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_IN_USE: 409,
  IDEMPOTENCY_OUTCOME_UNKNOWN: 409,
};

/** A key is 1 to 255 printable ASCII characters (a UUID is the usual choice). */
export function isValidIdempotencyKey(key: string): boolean {
  return key.length > 0 && key.length <= 255 && /^[\x21-\x7e]+$/.test(key);
}
