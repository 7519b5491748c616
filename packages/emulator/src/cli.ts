#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { z } from 'zod';
import { connectedAppsFileSchema } from './auth/apps.ts';
import { faultConfigSchema } from './faults/rules.ts';
import { customMetadataSchema } from './metadata/catalog.ts';
import { scaleCounts } from './seed/scale.ts';
import { startEmulator } from './server.ts';

const integer = (min: number, max: number, what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`must be ${what} (${min}-${max})`);
  return n;
};

/** A progress bar on stderr for large seeds: redrawn in place on a terminal, in steps otherwise. */
function progressBar(contacts: number) {
  const total = Object.values(scaleCounts(contacts)).reduce((a, b) => a + b, 0);
  const started = performance.now();
  let lastStep = -1;
  return (done: number) => {
    const ratio = done / total;
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round(ratio * width);
      process.stderr.write(
        `\rseeding [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(ratio * 100)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} rows`,
      );
      if (done === total)
        process.stderr.write(` in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    } else {
      const step = Math.floor(ratio * 4);
      if (step !== lastStep) {
        lastStep = step;
        process.stderr.write(`seeding: ${Math.floor(ratio * 100)}% (${done}/${total} rows)\n`);
      }
    }
  };
}

const program = new Command('sfgql-emulator').description('A local Salesforce REST API on embedded SQLite');

program
  .command('start', { isDefault: true })
  .description('start the emulator')
  .option('--port <port>', 'port to listen on (0 picks a free one)', integer(0, 65535, 'a port number'), 4200)
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .option('--data-dir <dir>', 'folder for the org data, or :memory:', '.sfgql')
  .option('--seed <seed>', 'demo: seed the demo org when the data folder is empty; none: start empty', 'demo')
  .option(
    '--scale <contacts>',
    'also seed N contacts with proportional accounts, cases, leads, ... (empty folder only)',
    integer(1, 5_000_000, 'a number of contacts'),
  )
  .option('--metadata <file>', 'JSON file with custom objects and fields')
  .option('--apps <file>', 'JSON file with connected apps (client id, secret, callback URLs, flows, ...)')
  .option('--faults <file|json>', 'fault injection rules: a JSON file, or the JSON itself')
  .option(
    '--daily-api-requests <n>',
    'DailyApiRequests allowance',
    integer(1, 1_000_000_000, 'a number'),
    15000,
  )
  .option(
    '--session-lifetime <minutes>',
    'access token lifetime in minutes',
    integer(1, 60 * 24 * 365, 'minutes'),
    120,
  )
  .option('--no-controls', 'do not serve the /__emulator/ test controls')
  .action(
    async (options: {
      port: number;
      host: string;
      dataDir: string;
      seed: string;
      scale?: number;
      metadata?: string;
      apps?: string;
      faults?: string;
      dailyApiRequests: number;
      sessionLifetime: number;
      controls: boolean;
    }) => {
      if (options.seed !== 'demo' && options.seed !== 'none') {
        program.error('error: --seed must be demo or none');
      }
      let metadata: unknown;
      if (options.metadata) {
        try {
          metadata = customMetadataSchema.parse(JSON.parse(readFileSync(options.metadata, 'utf8')));
        } catch (error) {
          program.error(
            `error: cannot use the metadata file ${options.metadata}: ${(error as Error).message}`,
          );
        }
      }
      // A JSON file, or (for --faults) the JSON itself, checked against its schema.
      const load = <T>(what: string, source: string, schema: z.ZodType<T>, inline = false): T => {
        try {
          const text = inline && source.trim().startsWith('{') ? source : readFileSync(source, 'utf8');
          return schema.parse(JSON.parse(text));
        } catch (error) {
          return program.error(`error: cannot use the ${what} ${source}: ${(error as Error).message}`);
        }
      };
      const apps = options.apps ? load('apps file', options.apps, connectedAppsFileSchema) : undefined;
      const faults = options.faults ? load('faults', options.faults, faultConfigSchema, true) : undefined;
      const emulator = await startEmulator({
        port: options.port,
        host: options.host,
        dataDir: options.dataDir === ':memory:' ? ':memory:' : resolve(options.dataDir),
        seed: options.seed as 'demo' | 'none',
        scale: options.scale,
        onSeedProgress: options.scale && options.scale >= 1000 ? progressBar(options.scale) : undefined,
        metadata: metadata as never,
        dailyApiRequests: options.dailyApiRequests,
        sessionLifetimeMs: options.sessionLifetime * 60 * 1000,
        controls: options.controls,
        apps,
        faults,
      }).catch((error: unknown) => {
        if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
        return program.error(
          `error: ${options.host}:${options.port} is in use by another program: choose another --port (0 picks a free one)`,
        );
      });
      console.log(`Salesforce emulator listening on ${emulator.url}`);
      const stop = () => {
        emulator.close().finally(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
  );

await program.parseAsync();
