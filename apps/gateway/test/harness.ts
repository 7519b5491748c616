import { serviceAuthFromEnv } from '@sfgql/auth';
import type { RunningEmulator } from '@sfgql/emulator';
import { demoServiceEnv, startDemoOrg } from '@sfgql/testing/demo-org';
import { emulatorControl } from '@sfgql/testing/emulator-control';
import { createLogger } from '../src/logger.ts';
import { createGateway, type GatewayOptions } from '../src/yoga.ts';

export interface GraphQLBody<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: { salesforce?: { calls: number; byKind: Record<string, number> } };
}

export interface Harness {
  emulator: RunningEmulator;
  token: string;
  gateway: ReturnType<typeof createGateway>;
  /** Runs an operation as the demo user. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    authorization?: string | null,
  ): Promise<{ status: number; body: GraphQLBody<T> }>;
  /** Salesforce API calls the emulator counted since the last reset. */
  calls(): Promise<{ total: number; bySoql: Record<string, number> }>;
  resetCalls(): Promise<void>;
  close(): Promise<void>;
}

/** An in-process emulator with the demo org (and `scale` more contacts), and a gateway in front. */
export async function startHarness(
  options: {
    scale?: number;
    gateway?: Partial<GatewayOptions>;
    metadata?: unknown;
    /** Give the gateway the demo user as its integration user (for API keys and anonymous access). */
    integration?: boolean;
    /** The emulator's clock. */
    now?: () => Date;
  } = {},
): Promise<Harness> {
  const { emulator, session } = await startDemoOrg({
    ...(options.scale ? { scale: options.scale } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.metadata ? { metadata: options.metadata as never } : {}),
  });
  const control = emulatorControl(emulator.url);
  const token = session.accessToken;
  const integration = options.integration
    ? serviceAuthFromEnv(demoServiceEnv(emulator.url))?.source
    : undefined;
  const gateway = createGateway({
    ...(integration ? { integration } : {}),
    instanceUrl: emulator.url,
    apiVersion: '60.0',
    authCacheTtlMs: 60_000,
    logger: createLogger({ level: 'silent' }),
    ...options.gateway,
  });
  // The first request of an org reads its custom fields (describes): done before any test counts calls.
  await (
    await gateway.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    })
  ).body?.cancel();
  return {
    emulator,
    token,
    gateway,
    async graphql(query, variables = {}, authorization = `Bearer ${token}`) {
      const response = await gateway.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
    calls: () => control.metrics(),
    resetCalls: () => control.resetMetrics(),
    close: () => emulator.close(),
  };
}
