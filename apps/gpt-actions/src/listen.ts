import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createActionsApp } from './app.ts';
import type { ActionsConfig } from './config.ts';
import { confirmationFromConfig } from './confirmation.ts';

export interface RunningServer {
  /** The base URL, e.g. `http://127.0.0.1:4100`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the REST adapter on `config.host:config.port` (0 picks a free port), with the
 * confirmation protocol as configured (signing secret, Redis nonce store, audit trail).
 */
export async function listenActions(config: ActionsConfig): Promise<RunningServer> {
  const confirm = await confirmationFromConfig(config);
  const app = createActionsApp({
    ...config,
    confirmation: confirm.confirmation,
    ...(config.serviceAuth ? { serviceSession: config.serviceAuth.source } : {}),
  });
  let server: ReturnType<typeof serve>;
  try {
    server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
      s.once('error', reject);
    });
  } catch (error) {
    await confirm.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }).finally(() => confirm.close()),
  };
}
