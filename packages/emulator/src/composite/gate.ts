/**
 * Composite requests run their subrequests through the app in-process, and an all-or-none
 * composite request holds one SQLite transaction open across them. The org has one database
 * connection, so while that transaction is open any other request's writes would join it (and be
 * rolled back with it) and its reads would see uncommitted rows.
 *
 * The gate keeps them apart: every data request holds it shared for its duration; an all-or-none
 * composite request takes it exclusively, waiting for requests in flight to finish and holding new
 * ones back until it commits or rolls back. Its own subrequests pass through (they are marked), and
 * so do a batch's: a shared holder never asks for another hold, so waiting new requests behind an
 * exclusive one cannot deadlock.
 *
 * Today every route runs without yielding to the event loop between its first and last write (the
 * request bodies of subrequests are in memory), so the gate rarely has anything to wait for; it
 * makes the all-or-none guarantee independent of that (an injected latency fault, a slow body).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const subrequests = new WeakSet<Request>();

/** Marks a request as a composite subrequest, dispatched in-process. */
export function markSubrequest(request: Request): Request {
  subrequests.add(request);
  return request;
}

/**
 * True for a subrequest of a composite request: it is neither metered (the composite call counts
 * once, as in Salesforce) nor gated (its parent holds the gate).
 */
export function isSubrequest(request: Request): boolean {
  return subrequests.has(request);
}

/** Shared holds for ordinary requests, an exclusive hold for an all-or-none transaction. */
export interface Gate {
  shared<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` alone; callable from inside a shared hold (the composite route's own). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

export function createGate(): Gate {
  const holds = new AsyncLocalStorage<{ held: boolean }>();
  let active = 0;
  let exclusive = false;
  /** Exclusive holds asked for: new shared holds wait behind them, so they cannot starve. */
  let pending = 0;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  const turn = () => new Promise<void>((resolve) => waiters.push(resolve));
  return {
    async shared(fn) {
      while (exclusive || pending > 0) await turn();
      active++;
      const hold = { held: true };
      try {
        return await holds.run(hold, fn);
      } finally {
        if (hold.held) active--;
        wake();
      }
    },
    async exclusive(fn) {
      const hold = holds.getStore();
      const wasHeld = hold?.held === true;
      // Give up our own shared hold first, or two exclusive requests would wait on each other.
      if (hold && wasHeld) {
        hold.held = false;
        active--;
        wake();
      }
      pending++;
      try {
        while (exclusive || active > 0) await turn();
      } finally {
        pending--;
      }
      exclusive = true;
      try {
        return await fn();
      } finally {
        exclusive = false;
        if (hold && wasHeld) {
          hold.held = true;
          active++;
        }
        wake();
      }
    },
  };
}
