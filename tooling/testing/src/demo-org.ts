import { loginWithPassword, type SalesforceSession } from '@sfgql/auth';
import {
  DEMO,
  type DemoUser,
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '@sfgql/emulator';

/**
 * Logs a demo user (the admin unless told) in to an emulator with the password grant and the demo
 * connected app, as a real client would: through `@sfgql/auth`, over HTTP.
 */
export function loginAsDemo(url: string, user: DemoUser = DEMO.users.admin): Promise<SalesforceSession> {
  return loginWithPassword({
    loginUrl: url,
    clientId: DEMO.clientId,
    clientSecret: DEMO.clientSecret,
    username: user.username,
    password: user.password,
    securityToken: user.securityToken,
  });
}

/**
 * The `SF_*` settings (for `serviceAuthFromEnv` of `@sfgql/auth`) that make a demo user (the admin
 * unless told) the integration user, with the password flow.
 */
export function demoServiceEnv(url: string, user: DemoUser = DEMO.users.admin): Record<string, string> {
  return {
    SF_LOGIN_URL: url,
    SF_CLIENT_ID: DEMO.clientId,
    SF_CLIENT_SECRET: DEMO.clientSecret,
    SF_USERNAME: user.username,
    SF_PASSWORD: user.password,
    SF_SECURITY_TOKEN: user.securityToken,
  };
}

/** An emulator with the demo org, and the demo admin's session on it. */
export interface DemoOrg {
  emulator: RunningEmulator;
  session: SalesforceSession;
  close(): Promise<void>;
}

/**
 * Starts the emulator in process with the demo org (in memory, unless `options` say otherwise) and
 * logs in as the demo admin.
 */
export async function startDemoOrg(options: EmulatorOptions = {}): Promise<DemoOrg> {
  const emulator = await startEmulator({ dataDir: ':memory:', ...options });
  try {
    const session = await loginAsDemo(emulator.url);
    return { emulator, session, close: () => emulator.close() };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}
