import { loginWithPassword } from '@sfgql/auth';
import { DEMO, type RunningEmulator, startEmulator } from '@sfgql/emulator';
import { createSalesforceClient } from '@sfgql/soql';
import type { OperationContext } from '../src/operation.ts';

export interface TestOrg {
  emulator: RunningEmulator;
  ctx: OperationContext;
  /** API calls counted by the emulator since the last reset. */
  calls(): Promise<number>;
  resetCalls(): Promise<void>;
  close(): Promise<void>;
}

/** An emulator with the demo org, and an operation context logged in as the demo user. */
export async function startTestOrg(options: { now?: () => Date } = {}): Promise<TestOrg> {
  const emulator = await startEmulator({ dataDir: ':memory:', ...(options.now ? { now: options.now } : {}) });
  const session = await loginWithPassword({
    loginUrl: emulator.url,
    clientId: DEMO.clientId,
    clientSecret: DEMO.clientSecret,
    username: DEMO.username,
    password: DEMO.password,
    securityToken: DEMO.securityToken,
  });
  const ctx: OperationContext = { client: createSalesforceClient({ session, retry: { retries: 0 } }) };
  return {
    emulator,
    ctx,
    async calls() {
      const metrics = (await (await fetch(`${emulator.url}/__emulator/metrics`)).json()) as { total: number };
      return metrics.total;
    },
    async resetCalls() {
      await (await fetch(`${emulator.url}/__emulator/metrics/reset`, { method: 'POST' })).body?.cancel();
    },
    close: () => emulator.close(),
  };
}
