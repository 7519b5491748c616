import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type AppOptions, createApp } from './http/app.ts';
import { createOrg, isEmpty, type Org, type OrgOptions } from './org.ts';
import { seedDemo } from './seed/demo.ts';
import { seedScale } from './seed/scale.ts';

export interface EmulatorOptions extends OrgOptions, AppOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** `demo` seeds the demo org when the data folder is empty; `none` leaves it empty. */
  seed?: 'demo' | 'none';
  /** Also seed this many contacts (with proportional other records) when the data folder is empty. */
  scale?: number;
  /** Progress of the scaled seed: rows written, rows in all. */
  onSeedProgress?: (done: number, total: number) => void;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`: the instance URL and login URL alike. */
  readonly url: string;
  readonly org: Org;
  close(): Promise<void>;
}

/** Starts an emulated Salesforce org over HTTP. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const org = createOrg(options);
  if (isEmpty(org)) {
    if ((options.seed ?? 'demo') === 'demo') seedDemo(org);
    if (options.scale) seedScale(org, options.scale, { onProgress: options.onSeedProgress });
  }
  const app = createApp(org, {
    controls: options.controls,
    maxBodyBytes: options.maxBodyBytes,
    apps: options.apps,
    faults: options.faults,
  });
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    org,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          org.close();
          if (error) reject(error);
          else resolve();
        });
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
