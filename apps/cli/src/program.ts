import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { identifySession } from '@sfgql/auth';
import type { FieldChange } from '@sfgql/confirm';
import { openConfirmation } from '@sfgql/confirm/stores';
import { operations } from '@sfgql/objects/catalog';
import { runConfirmedWrite } from '@sfgql/objects/confirmed';
import { OperationError } from '@sfgql/objects/errors';
import { exportStatement, exportValueTypes } from '@sfgql/objects/export';
import { describeObject } from '@sfgql/objects/lookup';
import { isWriteOperation, type Operation } from '@sfgql/objects/operation';
import type { ObjectSpec } from '@sfgql/objects/spec';
import { queryAllowlist, STANDARD_SPECS } from '@sfgql/objects/specs';
import {
  createSalesforceClient,
  type SalesforceClient,
  validateReadOnlySoql,
  withoutAttributes,
} from '@sfgql/soql';
import { Command, InvalidArgumentError, Option } from 'commander';
import { type CliConfig, loadCliConfig } from './config.ts';
import { CliError, errorLine } from './errors.ts';
import { createProgressBar } from './progress.ts';
import { askYesNo } from './prompt.ts';
import { formatTable } from './table.ts';

/** The client id confirmations and the audit trail name the command by. */
export const CLI_CLIENT_ID = 'sfgql-cli';

/** What the command reads and writes: the process's own streams and environment, or a test's. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  /** Whether a person can be asked (stdin and stderr are a terminal). */
  interactive: boolean;
}

const integer = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
  return n;
};

const collect = (value: string, previous: string[]) => [...previous, value];

/** JSON given on the command line, or INVALID_INPUT naming the option. */
function parseJson(what: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OperationError('INVALID_INPUT', `${what} is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** A catalog object by its API name, label or plural label, whatever the case. */
function findSpec(name: string): ObjectSpec {
  const wanted = name.toLowerCase();
  const spec = STANDARD_SPECS.find((s) =>
    [s.apiName, s.label, s.labelPlural].some((n) => n.toLowerCase() === wanted),
  );
  if (!spec)
    throw new OperationError(
      'INVALID_INPUT',
      `${JSON.stringify(name)} is not an object of the catalog; its objects: ${STANDARD_SPECS.map((s) => s.apiName).join(', ')}.`,
    );
  return spec;
}

/** `--scope includeInactive` or `--scope language=fr`: scope arguments, checked by the catalog. */
function parseScopes(scopes: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    scopes.map((scope) => {
      const [name = '', value] = scope.split(/=(.*)/s);
      return [name, value === undefined || value === 'true' ? true : value === 'false' ? false : value];
    }),
  );
}

/** A field's value in a record by its path as written (`account.name`), whatever its case. */
function valueAt(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record;
  for (const step of path.split('.')) {
    if (value === null || typeof value !== 'object') return null;
    const entry = Object.entries(value).find(([key]) => key.toLowerCase() === step.toLowerCase());
    value = entry?.[1] ?? null;
  }
  return value;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** One change of a preview, as a line: the value it takes, or from what to what. */
function changeLine(change: FieldChange): string {
  const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));
  const record = change.recordId ? ` (${change.recordId})` : '';
  return change.before === null || change.before === undefined
    ? `  ${change.field}${record}: ${show(change.after)}`
    : `  ${change.field}${record}: ${show(change.before)} → ${show(change.after)}`;
}

/**
 * The `sfgql` program: `export`, `query`, `describe` and `call`. Every error is printed as one line
 * on stderr and sets the exit status to 1; data goes to stdout (or `--out`), everything else
 * (progress, previews, the prompt) to stderr.
 */
export function createProgram(io: CliIo): Command {
  const client = (config: CliConfig): SalesforceClient =>
    createSalesforceClient({ session: config.session, apiVersion: config.apiVersion });
  const run =
    <A extends unknown[]>(action: (...args: A) => Promise<void>) =>
    async (...args: A) => {
      try {
        await action(...args);
      } catch (error) {
        // The reader of stdout went away (`| head`): nothing more to say.
        if ((error as { code?: unknown } | null)?.code === 'EPIPE') return;
        io.stderr.write(`${errorLine(error)}\n`);
        process.exitCode = 1;
      }
    };

  const program = new Command('sfgql')
    .description(
      'Salesforce at a terminal, through the catalog every door shares: exports, queries, describes and operations.',
    )
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(sfgql --help lists the commands)')
    .addHelpText(
      'after',
      '\nCredentials: SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN (your own token), or the SF_* integration user.',
    );

  program
    .command('export')
    .description(
      "every record of an object that matches the filter, under the catalog's read rules, streamed through a Bulk API 2.0 query job",
    )
    .argument('<object>', 'a catalog object: Contact, Case, Account, ... (or contacts, cases, ...)')
    .option('--where <json>', 'a filter in the catalog\'s language, e.g. \'{"email":{"like":"%@acme.com"}}\'')
    .option('--fields <list>', 'fields by key or API name, comma-separated (default: all)')
    .option(
      '--scope <name[=value]>',
      'a scope of the object, e.g. includeInactive or language=fr (repeatable)',
      collect,
      [],
    )
    .addOption(new Option('--format <format>', 'what to write').choices(['csv', 'ndjson']).default('csv'))
    .option('--out <file>', 'write to this file instead of stdout')
    .option(
      '--page-size <n>',
      'records per results page, held in memory at once',
      integer(1, 500_000),
      10_000,
    )
    .action(
      run(
        async (
          object: string,
          options: {
            where?: string;
            fields?: string;
            scope: string[];
            format: 'csv' | 'ndjson';
            out?: string;
            pageSize: number;
          },
        ) => {
          const spec = findSpec(object);
          const statement = exportStatement(spec, {
            ...(options.where === undefined ? {} : { where: parseJson('--where', options.where) }),
            ...(options.fields === undefined ? {} : { fields: options.fields.split(',') }),
            scopes: parseScopes(options.scope),
          });
          const config = loadCliConfig(io.env);
          // Loaded here only: it brings jsforce, which the other commands do not need.
          const { bulkExport } = await import('@sfgql/soql/bulk');
          const progress = createProgressBar(io.stderr, spec.labelPlural);
          let done = 0;
          const chunks = bulkExport(client(config), statement, {
            format: options.format,
            types: exportValueTypes(spec),
            pageSize: options.pageSize,
            onProgress: (p) => {
              done = p.done;
              progress.update(p);
            },
          });
          // One chunk (a page) read ahead at most: Readable.from would otherwise buffer 16 pages
          // whenever the writer is slower than Salesforce (a slow disk, `| gzip`).
          const source = Readable.from(chunks, { highWaterMark: 1 });
          // Written aside and moved into place at the end: a failed export leaves no partial file.
          const partial = options.out && `${options.out}.partial-${process.pid}`;
          try {
            if (options.out && partial) {
              await pipeline(source, createWriteStream(partial));
              await rename(partial, options.out);
            } else await pipeline(source, io.stdout, { end: false });
          } catch (error) {
            progress.interrupt();
            if (partial) await rm(partial, { force: true });
            throw error;
          }
          progress.finish(done);
        },
      ),
    );

  program
    .command('query')
    .description(
      'your own read-only SOQL on a catalog object: SELECT … FROM <object> [WHERE] [WITH] [ORDER BY] [LIMIT] [OFFSET]',
    )
    .argument('<soql>', 'e.g. "SELECT Id, CaseNumber, Status FROM Case WHERE Status = \'New\'"')
    .option('--json', 'print the records as JSON instead of a table')
    .option('--limit <n>', 'at most this many records (LIMIT is lowered to it)', integer(1, 2_000), 200)
    .action(
      run(async (text: string, options: { json?: boolean; limit: number }) => {
        const checked = validateReadOnlySoql(text, { allow: queryAllowlist(), maxLimit: options.limit });
        if (!checked.ok)
          throw new OperationError('INVALID_INPUT', `The query was refused: ${checked.reason}.`);
        const { records } = await client(loadCliConfig(io.env)).query(checked.statement);
        if (options.json) {
          io.stdout.write(json(withoutAttributes(records)));
          return;
        }
        const rows = records.map((r) => checked.fields.map((f) => valueAt(r, f)));
        io.stdout.write(`${formatTable(checked.fields, rows)}\n(${records.length} records)\n`);
      }),
    );

  program
    .command('describe')
    .description("an object's fields: type, whether required and updateable, label, picklist values")
    .argument('<object>', 'an object API name, e.g. Case')
    .option('--json', 'print the description as JSON')
    .action(
      run(async (object: string, options: { json?: boolean }) => {
        const described = await describeObject.run({ client: client(loadCliConfig(io.env)) }, { object });
        if (options.json) {
          io.stdout.write(json(described));
          return;
        }
        const rows = described.fields.map((f) => [
          f.name,
          f.type,
          f.required ? 'yes' : '',
          f.updateable ? 'yes' : '',
          f.label,
          f.picklistValues.join(', '),
        ]);
        io.stdout.write(
          `${described.label} (${described.name})\n\n${formatTable(['field', 'type', 'required', 'updateable', 'label', 'values'], rows)}\n`,
        );
      }),
    );

  program
    .command('call')
    .description(
      'an operation of the catalog; a write shows what it will do and asks before it writes (without an operation: the list)',
    )
    .argument('[operation]', 'e.g. searchCases, updateCase')
    .argument('[input]', 'the operation\'s input as JSON, e.g. \'{"term":"printer"}\'', '{}')
    .option('--yes', 'write without asking (needed when no terminal can ask)')
    .action(
      run(async (name: string | undefined, input: string, options: { yes?: boolean }) => {
        if (name === undefined) {
          const rows = [...operations.values()].map((op) => [op.name, op.kind, op.summary]);
          io.stdout.write(`${formatTable(['operation', 'kind', 'summary'], rows, 100)}\n`);
          return;
        }
        const operation: Operation | undefined = operations.get(name);
        if (!operation)
          throw new OperationError(
            'INVALID_INPUT',
            `${JSON.stringify(name)} is not an operation of the catalog; sfgql call lists them.`,
          );
        const args = parseJson('The input', input);
        const config = loadCliConfig(io.env);
        const ctx = { client: client(config) };
        if (!isWriteOperation(operation)) {
          io.stdout.write(json(await operation.run(ctx, args)));
          return;
        }
        const { confirmation, stores } = await openConfirmation({
          ...config,
          // Audit lines in `log` mode go to stderr: stdout is the result's.
          logger: {
            info: (obj, msg) =>
              io.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...obj })}\n`),
            error: (obj, msg) => io.stderr.write(`sfgql: ${msg ?? 'error'} ${JSON.stringify(obj)}\n`),
          },
        });
        try {
          const identity = await identifySession(await config.session.current());
          const write = { ...ctx, confirmation, principal: { ...identity, clientId: CLI_CLIENT_ID } };
          const first = await runConfirmedWrite(operation, write, args);
          if (first.kind === 'done') {
            io.stdout.write(json(first.result));
            return;
          }
          const { summary, changes, token } = first.confirmation;
          io.stderr.write(`${summary}\n${changes.map((c) => `${changeLine(c)}\n`).join('')}`);
          const yes =
            options.yes === true ||
            (io.interactive && (await askYesNo('Proceed? [y/N] ', { input: io.stdin, output: io.stderr })));
          if (!yes)
            throw new CliError(
              'NOT_CONFIRMED',
              io.interactive || options.yes
                ? 'Nothing was written.'
                : 'Nothing was written: no terminal to ask at; run it at a terminal, or pass --yes.',
            );
          const done = await runConfirmedWrite(operation, { ...write, token }, args);
          if (done.kind !== 'done') throw new Error('The confirmed write answered with another preview');
          io.stdout.write(json(done.result));
        } finally {
          await stores.close();
        }
      }),
    );

  return program;
}
