import { randomBytes } from 'node:crypto';
import { type Confirmation, createConfirmation, type Principal } from '@sfgql/confirm';
import { reportError } from '@sfgql/objects/errors';
import { createSalesforceClient, type SalesforceClient } from '@sfgql/soql';
import { type DemoOrg, startDemoOrg } from '@sfgql/testing/demo-org';
import { type EmulatorControl, emulatorControl } from '@sfgql/testing/emulator-control';
import { type GraphQLSchema, graphql } from 'graphql';
import { createContext, createSchema } from '../src/index.ts';

/** One error of an answer, as every door reports it (code and message from `reportError`). */
export interface ReportedError {
  code: string;
  message: string;
  path: readonly (string | number)[] | undefined;
}

/** An answer, and what it cost: the Salesforce calls the emulator counted and their SOQL. */
export interface Answer<T> {
  data: T | null | undefined;
  errors: ReportedError[];
  calls: number;
  soql: string[];
}

export interface RunOptions {
  variables?: Record<string, unknown>;
  /** The REST API version of the request's context (60.0 unless told). */
  apiVersion?: string;
  /** Whether the request may write (a principal and the confirmation protocol in its context). */
  writes?: boolean;
}

/** The schema of `createSchema()` over an emulator with the demo org, queried in process. */
export interface DemoSchema {
  schema: GraphQLSchema;
  /** The demo admin's own client, to read what the answers should be. */
  client: SalesforceClient;
  control: EmulatorControl;
  /** Runs an operation as one request (a fresh context), counting the calls it makes. */
  run<T>(source: string, options?: RunOptions): Promise<Answer<T>>;
  /** Runs an operation that must answer without errors, and returns its data. */
  data<T>(source: string, options?: RunOptions): Promise<T>;
  close(): Promise<void>;
}

/** Starts the emulator with the demo org and builds the schema over it. */
export async function startDemoSchema(): Promise<DemoSchema> {
  const org: DemoOrg = await startDemoOrg();
  const control = emulatorControl(org.emulator.url);
  const schema = createSchema();
  const client = createSalesforceClient({ session: org.session, apiVersion: '60.0' });
  const confirmation: Confirmation = createConfirmation({ keys: { current: randomBytes(32) } });
  const principal: Principal = {
    userId: org.session.userId ?? '005000000000000AAA',
    orgId: org.session.orgId ?? '00D000000000000AAA',
    clientId: 'schema-tests',
  };
  const run = async <T>(source: string, options: RunOptions = {}): Promise<Answer<T>> => {
    await control.resetMetrics();
    const apiVersion = options.apiVersion ?? '60.0';
    const contextValue = createContext({
      client: createSalesforceClient({ session: org.session, apiVersion }),
      apiVersion,
      ...(options.writes ? { principal, confirmation } : {}),
    });
    const result = await graphql({
      schema,
      source,
      contextValue,
      ...(options.variables ? { variableValues: options.variables } : {}),
    });
    const metrics = await control.metrics();
    return {
      // The answer's shape is the query's: each test names the one it asked for.
      data: result.data as T | null | undefined,
      errors: (result.errors ?? []).map((e) => {
        // A document the schema refuses (validation, variables) has no error of an operation behind it.
        const { code, message } = e.originalError
          ? reportError(e.originalError)
          : { code: 'GRAPHQL_VALIDATION_FAILED', message: e.message };
        return { code, message, path: e.path };
      }),
      calls: metrics.total,
      soql: Object.keys(metrics.bySoql),
    };
  };
  return {
    schema,
    client,
    control,
    run,
    async data<T>(source: string, options?: RunOptions) {
      const answer = await run<T>(source, options);
      if (answer.errors.length > 0 || answer.data == null)
        throw new Error(`${source}\nanswered ${JSON.stringify(answer.errors)}`);
      return answer.data;
    },
    close: () => org.close(),
  };
}
