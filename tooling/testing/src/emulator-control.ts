import type { FaultConfig, FaultMetrics, Metrics } from '@sfgql/emulator';

/** The emulator's call metrics; `faults` appears once fault injection has been used. */
export type EmulatorMetrics = Metrics & { faults?: FaultMetrics };

/**
 * Calls one of the emulator's test controls (`/__emulator/<path>`, no session needed) over HTTP and
 * returns its JSON answer, or `undefined` when it has none. A control that fails throws, so that a
 * test never goes on against an org in a state it did not ask for.
 */
export async function controlEmulator(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${url}/__emulator/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} /__emulator/${path} answered ${response.status}: ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** The emulator's test controls, for one running emulator. */
export interface EmulatorControl {
  /** The API calls counted since the last reset (and the injected faults, once there are any). */
  metrics(): Promise<EmulatorMetrics>;
  /** Starts counting calls (and injected faults) again from zero. */
  resetMetrics(): Promise<void>;
  /** Replaces the fault injection rules (and restarts their counters). */
  setFaults(config: FaultConfig): Promise<void>;
  /** Removes every fault injection rule. */
  clearFaults(): Promise<void>;
  /** Puts the org back as it was seeded (the demo data by default). */
  reset(options?: { seed?: 'demo' | 'none' }): Promise<void>;
  /** Adds volume to the org: `scale` contacts, and the other records in proportion (`scaleCounts`). */
  seed(scale: number): Promise<void>;
}

/** The test controls of the emulator at `url` (its instance URL). */
export function emulatorControl(url: string): EmulatorControl {
  const call = (method: string, path: string, body?: unknown) => controlEmulator(url, method, path, body);
  return {
    metrics: async () => (await call('GET', 'metrics')) as EmulatorMetrics,
    resetMetrics: async () => {
      await call('POST', 'metrics/reset');
    },
    setFaults: async (config) => {
      await call('PUT', 'faults', config);
    },
    clearFaults: async () => {
      await call('DELETE', 'faults');
    },
    reset: async (options) => {
      await call('POST', 'reset', options);
    },
    seed: async (scale) => {
      await call('POST', 'seed', { scale });
    },
  };
}
