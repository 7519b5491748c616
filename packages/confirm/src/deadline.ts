import { StoreUnavailableError } from './errors.ts';
import type { IdempotencyStore } from './idempotency.ts';
import type { NonceStore } from './nonce-store.ts';

/**
 * How long one store call may take: about half a second. A healthy Redis or SQLite answers in a
 * millisecond or two; a frozen Redis (`SIGSTOP`, a network partition) never answers, and a request
 * waiting for it would hang for as long as the freeze lasts.
 */
export const DEFAULT_STORE_DEADLINE_MS = 500;

/**
 * Runs one store call under a deadline. A call that throws (a refused connection, a locked or
 * broken SQLite file) or outlives the deadline becomes a `StoreUnavailableError`, and the signal
 * given to the call is aborted: a store whose command may still reach its server late (a frozen
 * Redis runs the commands queued on its socket when it thaws) undoes it then, so that a call
 * answered as failed leaves nothing behind.
 */
export async function withDeadline<T>(
  what: string,
  ms: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreUnavailableError(`The ${what} did not answer within ${ms} ms.`)),
      ms,
    );
  });
  try {
    // `call` may throw synchronously (node:sqlite is synchronous): that is a failure like any other.
    return await Promise.race([Promise.resolve().then(() => call(controller.signal)), deadline]);
  } catch (error) {
    // A command that failed on a broken connection may still have reached the server: undo it too.
    controller.abort();
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(`The ${what} failed: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** The same nonce store, each call under `ms` (see {@link withDeadline}). */
export function nonceStoreWithDeadline(store: NonceStore, ms: number): NonceStore {
  return {
    claim: (nonce, ttlMs) =>
      withDeadline('confirmation token store', ms, (signal) => store.claim(nonce, ttlMs, { signal })),
  };
}

/** The same idempotency store, each call under `ms` (see {@link withDeadline}). */
export function idempotencyStoreWithDeadline(store: IdempotencyStore, ms: number): IdempotencyStore {
  const what = 'idempotency key store';
  return {
    reserve: (key, entry, ttlMs) =>
      withDeadline(what, ms, (signal) => store.reserve(key, entry, ttlMs, { signal })),
    get: (key) => withDeadline(what, ms, () => store.get(key)),
    put: (key, entry, ttlMs) => withDeadline(what, ms, () => store.put(key, entry, ttlMs)),
    release: (key) => withDeadline(what, ms, () => store.release(key)),
  };
}
