import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConfirmation, DEFAULT_GATEWAY_POLICY, loadOrCreateSecret } from '@sfgql/confirm';
import type { GatewayConfig } from './config.ts';
import { createGateway } from './yoga.ts';

export interface RunningServer {
  /** The base URL, e.g. `http://127.0.0.1:4000`. */
  url: string;
  close(): Promise<void>;
}

/** Starts the gateway on `config.host:config.port` (0 picks a free port). */
export async function listenGateway(config: GatewayConfig): Promise<RunningServer> {
  // Without a configured secret (demo mode), one is made once in the data folder and reused.
  const secret = config.confirmSecret ?? (await loadOrCreateSecret(config.dataDir));
  const confirmation = createConfirmation({
    keys: { current: secret },
    policy: { default: DEFAULT_GATEWAY_POLICY },
  });
  const server = createServer(createGateway({ ...config, confirmation }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
