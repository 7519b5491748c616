import type { RunningEmulator } from '@sfgql/emulator';
import { createSalesforceClient } from '@sfgql/soql';
import { startDemoOrg } from '@sfgql/testing/demo-org';
import { emulatorControl } from '@sfgql/testing/emulator-control';
import type { OperationContext } from '../src/operation.ts';

export interface TestOrg {
  emulator: RunningEmulator;
  ctx: OperationContext;
  /** API calls counted by the emulator since the last reset. */
  calls(): Promise<number>;
  resetCalls(): Promise<void>;
  close(): Promise<void>;
}

/** An emulator with the demo org, and an operation context logged in as the demo user (both on `now`'s clock, if given). */
export async function startTestOrg(options: { now?: () => Date } = {}): Promise<TestOrg> {
  const { emulator, session } = await startDemoOrg(options.now ? { now: options.now } : {});
  const control = emulatorControl(emulator.url);
  const ctx: OperationContext = {
    client: createSalesforceClient({ session, retry: { retries: 0 } }),
    ...(options.now ? { now: options.now } : {}),
  };
  return {
    emulator,
    ctx,
    calls: async () => (await control.metrics()).total,
    resetCalls: () => control.resetMetrics(),
    close: () => emulator.close(),
  };
}
