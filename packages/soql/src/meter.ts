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
