import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createActionsApp } from './app.ts';
import type { ActionsConfig } from './config.ts';

export interface RunningServer {
  /** The base URL, e.g. `http://127.0.0.1:4100`. */
  url: string;
  close(): Promise<void>;
}

/** Starts the REST adapter on `config.host:config.port` (0 picks a free port). */
export async function listenActions(config: ActionsConfig): Promise<RunningServer> {
  const app = createActionsApp(config);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
