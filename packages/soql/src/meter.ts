/** What one client has spent of the org's API budget. */
export interface MeterSnapshot {
  /** Requests sent to Salesforce, retries included (each counts against the daily limit). */
  calls: number;
  /** Requests by kind: `query`, `queryMore`, `retrieve`, `create`, `describe`, ... */
  byKind: Record<string, number>;
  /** The org's daily usage as last reported in `Sforce-Limit-Info`, when seen. */
  dailyUsed?: number;
  dailyLimit?: number;
}

/** Counts API calls; the apps read it per request to log and report what a request cost. */
export interface ApiMeter {
  record(kind: string): void;
  observeLimitInfo(used: number, limit: number): void;
  snapshot(): MeterSnapshot;
}

export function createApiMeter(): ApiMeter {
  let calls = 0;
  const byKind: Record<string, number> = {};
  let daily: { used: number; limit: number } | undefined;
  return {
    record(kind) {
      calls++;
      byKind[kind] = (byKind[kind] ?? 0) + 1;
    },
    observeLimitInfo(used, limit) {
      daily = { used, limit };
    },
    snapshot() {
      return {
        calls,
        byKind: { ...byKind },
        ...(daily ? { dailyUsed: daily.used, dailyLimit: daily.limit } : {}),
      };
    },
  };
}

/**
 * The org's daily API budget as Salesforce last reported it (`Sforce-Limit-Info`), shared by every
 * client of one org. Below `lowWaterMark` remaining calls, non-essential calls are refused so that
 * what is left serves the work that matters.
 */
export interface ApiBudget {
  observe(used: number, limit: number): void;
  isLow(): boolean;
  state(): { remaining: number | undefined; lowWaterMark: number };
}

export function createApiBudget(options: { lowWaterMark: number }): ApiBudget {
  if (!Number.isInteger(options.lowWaterMark) || options.lowWaterMark < 0) {
    throw new RangeError('lowWaterMark must be a non-negative integer');
  }
  let remaining: number | undefined;
  return {
    observe(used, limit) {
      remaining = Math.max(0, limit - used);
    },
    isLow: () => remaining !== undefined && remaining < options.lowWaterMark,
    state: () => ({ remaining, lowWaterMark: options.lowWaterMark }),
  };
}
