import { randomUUID } from 'node:crypto';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Caller } from '@sfgql/auth';
import type { GraphQLContext } from '@sfgql/schema';
import { type ExecutionResult, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Counter, collectDefaultMetrics, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../logger.ts';

/** The gateway's context: the schema's, plus who is calling. */
export type GatewayContext = GraphQLContext & { caller: Caller };

interface RequestRecord {
  id: string;
  start: number;
  operations: { name: string | null; type: string }[];
  caller?: Caller;
  calls: number;
  byKind: Record<string, number>;
  errors: string[];
}

/** A request id the caller sent that is safe to log and echo, or a new one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface ObservabilityOptions {
  logger: Logger;
  registry: Registry;
  graphqlEndpoint: string;
}

/**
 * Prometheus metrics at `/metrics` and one structured log line per GraphQL request.
 *
 * Metrics: Yoga's Prometheus plugin (HTTP and GraphQL phase durations, operations, errors by phase),
 * Node's process metrics, and the gateway's own: requests by status and caller kind, errors by
 * code, Salesforce calls by kind, and each org's remaining daily API requests as Salesforce last
 * reported them (`Sforce-Limit-Info`).
 *
 * The log line: request id (echoed as `x-request-id`), caller (kind, user, org, API key name),
 * operation names, Salesforce calls, error codes, status and duration. Never headers, tokens,
 * query text or variables.
 *
 * Returns two plugins: `first` goes before every other plugin (it must see each execution start,
 * even one a limit stops), `last` after them (it must see the results as they are sent).
 */
export function useObservability(options: ObservabilityOptions): { first: Plugin[]; last: Plugin } {
  const { logger, registry } = options;
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'sfgql_requests_total',
    help: 'GraphQL HTTP requests, by response status and caller kind.',
    labelNames: ['status', 'caller'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'sfgql_graphql_errors_total',
    help: 'GraphQL errors returned, by code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const salesforceCalls = new Counter({
    name: 'sfgql_salesforce_calls_total',
    help: 'Salesforce API calls made, by kind (query, search, describe, create, ...).',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const remaining = new Gauge({
    name: 'sfgql_salesforce_daily_api_remaining',
    help: "The org's remaining daily API requests, as Salesforce last reported (Sforce-Limit-Info).",
    labelNames: ['org'] as const,
    registers: [registry],
  });
  const dailyLimit = new Gauge({
    name: 'sfgql_salesforce_daily_api_limit',
    help: "The org's daily API request limit, as Salesforce last reported (Sforce-Limit-Info).",
    labelNames: ['org'] as const,
    registers: [registry],
  });

  const records = new WeakMap<Request, RequestRecord>();

  const start: Plugin<GatewayContext> = {
    onRequest({ request, url }) {
      if (url.pathname !== options.graphqlEndpoint) return;
      const sent = request.headers.get('x-request-id');
      records.set(request, {
        id: sent && REQUEST_ID.test(sent) ? sent : randomUUID(),
        start: performance.now(),
        operations: [],
        calls: 0,
        byKind: {},
        errors: [],
      });
    },
    onExecute({ args }) {
      const ctx = args.contextValue as Partial<GatewayContext> & { request?: Request };
      const record = ctx.request ? records.get(ctx.request) : undefined;
      const operation = getOperationAST(args.document, args.operationName);
      record?.operations.push({
        name: operation?.name?.value ?? null,
        type: operation?.operation ?? 'query',
      });
      if (record && ctx.caller) record.caller = ctx.caller;
      return {
        onExecuteDone() {
          const snapshot = ctx.client?.meter.snapshot();
          if (!snapshot) return;
          for (const [kind, n] of Object.entries(snapshot.byKind)) {
            salesforceCalls.inc({ kind }, n);
            if (record) record.byKind[kind] = (record.byKind[kind] ?? 0) + n;
          }
          if (record) record.calls += snapshot.calls;
          if (snapshot.dailyLimit !== undefined && snapshot.dailyUsed !== undefined) {
            const org = ctx.caller?.orgId ?? 'unknown';
            dailyLimit.set({ org }, snapshot.dailyLimit);
            remaining.set({ org }, Math.max(0, snapshot.dailyLimit - snapshot.dailyUsed));
          }
        },
      };
    },
  };

  const last: Plugin<GatewayContext> = {
    onResultProcess({ request, result }) {
      const record = records.get(request);
      if (!record) return;
      const results = (Array.isArray(result) ? result : [result]) as ExecutionResult[];
      for (const r of results) {
        for (const e of r?.errors ?? []) {
          const code = typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR';
          record.errors.push(code);
          errors.inc({ code });
        }
      }
    },
    onResponse({ request, response }) {
      const record = records.get(request);
      if (!record) return;
      records.delete(request);
      response.headers.set('x-request-id', record.id);
      const status = response.status;
      const caller = record.caller;
      requests.inc({ status: String(status), caller: caller?.kind ?? 'none' });
      const line = {
        reqId: record.id,
        method: request.method,
        status,
        durationMs: Math.round((performance.now() - record.start) * 10) / 10,
        operations: record.operations.map((o) => o.name ?? '(anonymous)'),
        operationType: record.operations[0]?.type,
        ...(caller
          ? {
              caller: {
                kind: caller.kind,
                user: caller.userId,
                org: caller.orgId,
                ...(caller.keyName ? { key: caller.keyName } : {}),
              },
            }
          : {}),
        salesforce: { calls: record.calls, byKind: record.byKind },
        ...(record.errors.length ? { errors: record.errors } : {}),
      };
      if (status >= 500 || record.errors.includes('INTERNAL_SERVER_ERROR')) logger.error(line, 'request');
      else if (status >= 400 || record.errors.length) logger.warn(line, 'request');
      else logger.info(line, 'request');
    },
  };

  const prometheus = usePrometheus({
    registry,
    endpoint: '/metrics',
    labels: { url: false },
    metrics: {
      graphql_envelop_request: true,
      graphql_envelop_request_duration: true,
      graphql_envelop_error_result: true,
      graphql_envelop_phase_parse: true,
      graphql_envelop_phase_validate: true,
      graphql_envelop_phase_context: true,
      graphql_envelop_phase_execute: true,
      graphql_yoga_http_duration: true,
      // Summaries repeat the histograms; schemas change per org (custom fields), which is not news.
      graphql_envelop_request_time_summary: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_phase_subscribe: false,
    },
  });
  return { first: [start as Plugin, prometheus], last: last as Plugin };
}
