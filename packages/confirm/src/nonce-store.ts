/**
 * Where used token ids (nonces) are kept. `claim` must be atomic: of any number of concurrent
 * claims of one nonce, across every instance sharing the store, exactly one resolves `true`.
 */
export interface NonceStore {
  /**
   * Claims `nonce` for at least `ttlMs` (after that the token has expired anyway). Resolves `true`
   * the first time, `false` when the nonce was claimed before. Rejects when the store cannot be
   * reached, and then the write must not run. When `signal` aborts (the caller gave up waiting), a
   * claim that may still land later must be undone once it does.
   */
  claim(nonce: string, ttlMs: number, options?: { signal?: AbortSignal }): Promise<boolean>;
}

/** A process-local nonce store; `size` is for tests and metrics. */
export interface MemoryNonceStore extends NonceStore {
  /** Nonces held right now (expired ones are swept on later claims). */
  size(): number;
}

/**
 * A nonce store in this process's memory: for tests and for a process whose data folder is
 * `:memory:`. It forgets every used token when the process ends, so a token used before a restart
 * would be accepted again after it: deployments use the SQLite store (`@sfgql/confirm/sqlite`, the
 * apps' default) or Redis (`@sfgql/confirm/redis`). Claims are atomic because the check and the
 * insert run in one synchronous step. Expired nonces are swept during claims, at most once per
 * `sweepEveryMs`, so no timer keeps the process alive.
 */
export function createMemoryNonceStore(
  options: { now?: () => number; sweepEveryMs?: number } = {},
): MemoryNonceStore {
  const now = options.now ?? Date.now;
  const sweepEveryMs = options.sweepEveryMs ?? 60_000;
  const expiries = new Map<string, number>();
  let lastSweep = now();

  function sweep(at: number) {
    lastSweep = at;
    for (const [nonce, expiry] of expiries) if (expiry <= at) expiries.delete(nonce);
  }

  return {
    async claim(nonce, ttlMs) {
      const at = now();
      if (at - lastSweep >= sweepEveryMs) sweep(at);
      const expiry = expiries.get(nonce);
      if (expiry !== undefined && expiry > at) return false;
      expiries.set(nonce, at + ttlMs);
      return true;
    },
    size() {
      return expiries.size;
    },
  };
}
