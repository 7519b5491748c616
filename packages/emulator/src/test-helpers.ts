import { Connection } from 'jsforce';
import { DEMO, type DemoUser } from './seed/demo.ts';
import type { RunningEmulator } from './server.ts';

/** A password-grant login against a running emulator (test helper). */
export async function login(emulator: RunningEmulator, user: DemoUser = DEMO.users.admin): Promise<string> {
  const response = await fetch(`${emulator.url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
      username: user.username,
      password: user.password + user.securityToken,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`login failed: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** A jsforce connection for a demo user (test helper). */
export async function connect(
  emulator: RunningEmulator,
  user?: DemoUser,
  version = '60.0',
): Promise<Connection> {
  return new Connection({ instanceUrl: emulator.url, accessToken: await login(emulator, user), version });
}

/** A raw request to the emulator, for status codes, headers and bodies as the wire carries them. */
export async function call(
  emulator: RunningEmulator,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON bodies.
  return { status: response.status, headers: response.headers, body: json as any, text };
}
