#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { startEmulator } from './server.ts';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
};

const program = new Command('sfgql-emulator').description('A local Salesforce REST API on embedded SQLite');

program
  .command('start')
  .description('start the emulator')
  .option('--port <port>', 'port to listen on', port, 4200)
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .option('--data-dir <dir>', 'folder for the org data, or :memory:', '.sfgql')
  .option('--seed <seed>', 'demo: seed the demo org when the data folder is empty; none: start empty', 'demo')
  .option('--metadata <file>', 'JSON file with custom objects and fields')
  .action(
    async (options: { port: number; host: string; dataDir: string; seed: string; metadata?: string }) => {
      if (options.seed !== 'demo' && options.seed !== 'none')
        throw new InvalidArgumentError('--seed must be demo or none');
      const emulator = await startEmulator({
        port: options.port,
        host: options.host,
        dataDir: options.dataDir === ':memory:' ? ':memory:' : resolve(options.dataDir),
        seed: options.seed,
        metadata: options.metadata ? JSON.parse(readFileSync(options.metadata, 'utf8')) : undefined,
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
