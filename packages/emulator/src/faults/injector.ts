import { randomInt } from 'node:crypto';
import { createRandom } from './random.ts';
import { type FaultConfig, type FaultKind, type FaultRule, faultConfigSchema } from './rules.ts';

/** One request, as the fault rules see it. */
export interface FaultRequest {
  resource: string;
  method: string;
  /** The bearer token, when the request has one (for `expireSession`). */
  sessionToken?: string;
}

/** The fault that answers a request instead of the emulator (at most one per request). */
export type TerminalFault =
  | { kind: 'error500' | 'error503' | 'dropConnection' | 'requestLimit' }
  | { kind: 'expireSession'; sessionToken: string };

/** What to do with a request: wait `delayMs`, then answer with `fault` or serve it. */
export interface FaultDecision {
  delayMs: number;
  fault?: TerminalFault;
}

/** Injected faults, counted since the metrics were last reset. */
export interface FaultMetrics {
  /** Every injected fault, latency included. */
  total: number;
  byKind: Partial<Record<FaultKind, number>>;
  byResource: Record<string, number>;
  byMethod: Record<string, number>;
  /** The same counts by kind, resource and method together, sorted. */
  entries: { kind: FaultKind; resource: string; method: string; count: number }[];
}

/** The active configuration with its seed resolved (GET /__emulator/faults). */
export interface ActiveFaultConfig {
  seed: number;
  rules: FaultRule[];
}

export interface FaultInjector {
  /** Replaces the rules, restarting the PRNG and every rule's counters. */
  configure(config: FaultConfig | undefined): ActiveFaultConfig;
  config(): ActiveFaultConfig;
  /** True when some rule is set (requests skip the injector otherwise). */
  active(): boolean;
  decide(request: FaultRequest): FaultDecision;
  metrics(): FaultMetrics;
  resetMetrics(): void;
}

interface RuleState {
  injected: number;
  calls: number;
  sessions: Map<string, number>;
  expired: Set<string>;
}

const newState = (): RuleState => ({ injected: 0, calls: 0, sessions: new Map(), expired: new Set() });

/**
 * Creates the fault injector. Each request walks the rules in order: a matching rule counts the call,
 * draws from the seeded PRNG when its rate is between 0 and 1 (a rate of 1 or 0 draws nothing, so it
 * does not shift the other rules' sequences), and fires or not; latency adds up and goes on, any other
 * fault answers the request and ends the walk. So, for a given seed, the same sequence of requests
 * meets the same faults.
 */
export function createFaultInjector(initial?: FaultConfig): FaultInjector {
  let active: ActiveFaultConfig = { seed: 0, rules: [] };
  let random = createRandom(0);
  let states: RuleState[] = [];
  const counts = new Map<string, number>();

  const configure = (config: FaultConfig | undefined) => {
    const parsed = faultConfigSchema.parse(config ?? {});
    active = { seed: parsed.seed ?? randomInt(0, 0xffffffff), rules: parsed.rules };
    random = createRandom(active.seed);
    states = active.rules.map(newState);
    return active;
  };
  configure(initial);

  const fires = (rate: number) => (rate >= 1 ? true : rate <= 0 ? false : random() < rate);

  const record = (kind: FaultKind, request: FaultRequest) => {
    const key = `${kind}\u0000${request.resource}\u0000${request.method}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };

  return {
    configure,
    config: () => active,
    active: () => active.rules.length > 0,
    decide(request) {
      const decision: FaultDecision = { delayMs: 0 };
      for (const [i, rule] of active.rules.entries()) {
        const state = states[i];
        if (!state) continue;
        if (rule.resources && !rule.resources.includes(request.resource)) continue;
        if (rule.methods && !rule.methods.includes(request.method)) continue;
        if (rule.times !== undefined && state.injected >= rule.times) continue;
        let fault: TerminalFault | undefined;
        switch (rule.kind) {
          case 'latency':
            if (fires(rule.rate)) {
              const jitter = rule.jitterMs > 0 ? Math.floor(random() * (rule.jitterMs + 1)) : 0;
              decision.delayMs += rule.ms + jitter;
              state.injected++;
              record('latency', request);
            }
            continue;
          case 'requestLimit':
            state.calls++;
            if (state.calls > rule.afterCalls) fault = { kind: 'requestLimit' };
            break;
          case 'expireSession': {
            const token = request.sessionToken;
            // A session expired once stays expired by itself: its later calls are not new faults.
            if (!token || state.expired.has(token)) continue;
            const calls = (state.sessions.get(token) ?? 0) + 1;
            state.sessions.set(token, calls);
            if (calls > rule.afterCalls) {
              state.sessions.delete(token);
              state.expired.add(token);
              fault = { kind: 'expireSession', sessionToken: token };
            }
            break;
          }
          default:
            if (fires(rule.rate)) fault = { kind: rule.kind };
        }
        if (fault) {
          state.injected++;
          record(fault.kind, request);
          decision.fault = fault;
          return decision;
        }
      }
      return decision;
    },
    metrics() {
      const metrics: FaultMetrics = { total: 0, byKind: {}, byResource: {}, byMethod: {}, entries: [] };
      for (const [key, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const [kind, resource, method] = key.split('\u0000') as [FaultKind, string, string];
        metrics.total += count;
        metrics.byKind[kind] = (metrics.byKind[kind] ?? 0) + count;
        metrics.byResource[resource] = (metrics.byResource[resource] ?? 0) + count;
        metrics.byMethod[method] = (metrics.byMethod[method] ?? 0) + count;
        metrics.entries.push({ kind, resource, method, count });
      }
      return metrics;
    },
    resetMetrics: () => counts.clear(),
  };
}
