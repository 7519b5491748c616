import type { SalesforceSession } from '@sfgql/auth';
import { Connection } from 'jsforce';
import { toSalesforceError } from './errors.ts';
import type { SoqlFragment } from './soql.ts';

/** One record as Salesforce returns it: `attributes` plus fields, parents nested. */
export interface SalesforceRecord {
  attributes?: { type: string; url?: string };
  [field: string]: unknown;
}

export interface QueryResult<T extends SalesforceRecord = SalesforceRecord> {
  totalSize: number;
  done: boolean;
  records: T[];
}

export interface SalesforceClientOptions {
  session: SalesforceSession;
  /** REST API version without the `v` (default `60.0`). */
  apiVersion?: string;
}

/**
 * The one way the project talks to Salesforce's data API. Queries accept only `soql` fragments,
 * so every literal in them was escaped.
 */
export interface SalesforceClient {
  readonly session: SalesforceSession;
  query<T extends SalesforceRecord = SalesforceRecord>(statement: SoqlFragment): Promise<QueryResult<T>>;
}

export const DEFAULT_API_VERSION = '60.0';

export function createSalesforceClient(options: SalesforceClientOptions): SalesforceClient {
  // jsforce is used here and nowhere else in the project.
  const connection = new Connection({
    instanceUrl: options.session.instanceUrl,
    accessToken: options.session.accessToken,
    version: options.apiVersion ?? DEFAULT_API_VERSION,
  });
  return {
    session: options.session,
    async query<T extends SalesforceRecord>(statement: SoqlFragment): Promise<QueryResult<T>> {
      try {
        const result = await connection.query(statement.text);
        return { totalSize: result.totalSize, done: result.done, records: result.records as T[] };
      } catch (error) {
        throw toSalesforceError(error);
      }
    },
  };
}
