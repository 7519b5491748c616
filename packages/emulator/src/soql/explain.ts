/**
 * The query plan tool (`GET /query?explain=...`): how Salesforce's optimizer would run a query.
 *
 * The emulator asks SQLite: the compiled statement's `EXPLAIN QUERY PLAN` says whether the queried
 * table is searched through an index (Salesforce's `Index` plan, on the index's fields) or scanned
 * (`TableScan`), and counting the rows gives the cardinalities. The relative cost follows
 * Salesforce's rule of thumb that an index is selective (cost below 1) when it returns under 10% of
 * the rows (never fewer than 10), while a scan reads every row (cost 1 or more); the numbers are the
 * emulator's, not Salesforce's optimizer's.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { Catalog } from '../metadata/catalog.ts';
import { quoteIdent } from '../store/database.ts';
import type { QueryPlan } from './compile.ts';

/** One plan, as Salesforce's explain answers it. */
export interface ExplainPlan {
  cardinality: number;
  fields: string[];
  leadingOperationType: 'Index' | 'TableScan' | 'Other';
  notes: { description: string; fields: string[]; tableEnumOrId: string }[];
  relativeCost: number;
  sobjectCardinality: number;
  sobjectType: string;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

function bind(sql: string, params: Record<string, SQLInputValue>): Record<string, SQLInputValue> {
  const bound: Record<string, SQLInputValue> = {};
  for (const name of new Set(sql.match(/:\w+/g) ?? [])) bound[name.slice(1)] = params[name.slice(1)] ?? null;
  return bound;
}

/** Explains a compiled query against the org's data. */
export function explainPlan(db: DatabaseSync, catalog: Catalog, plan: QueryPlan): { plans: ExplainPlan[] } {
  const object = plan.object;
  const params = bind(plan.sql, plan.params);
  const details = (db.prepare(`EXPLAIN QUERY PLAN ${plan.sql}`).all(params) as { detail: string }[]).map(
    (row) => row.detail,
  );
  const table = quoteIdent(object.name);
  const sobjectCardinality = Number(
    (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE "IsDeleted" = 0`).get() as { n: number }).n,
  );
  const cardinality =
    plan.kind === 'count'
      ? Number((db.prepare(plan.sql).get(params) as { n: number }).n)
      : Number((db.prepare(`SELECT COUNT(*) AS n FROM (${plan.sql})`).get(params) as { n: number }).n);
  // The first line about the queried table (alias t0) tells how SQLite reaches its rows.
  const leading = details.find((d) => /\bt0\b/.test(d)) ?? details[0] ?? '';
  const index = /USING (?:COVERING )?INDEX \S+ \(([^)]*)\)|USING (?:INTEGER )?PRIMARY KEY \(([^)]*)\)/.exec(
    leading,
  );
  const fields = index
    ? [
        ...new Set(
          (index[1] ?? index[2] ?? '').split(' AND ').map((term) => term.replace(/[<>=!].*$/, '').trim()),
        ),
      ]
        .map((name) => catalog.field(object, name.replace(/"/g, ''))?.name)
        .filter((name): name is string => Boolean(name))
    : [];
  const share = sobjectCardinality === 0 ? 0 : cardinality / sobjectCardinality;
  const tableScan: ExplainPlan = {
    cardinality,
    fields: [],
    leadingOperationType: 'TableScan',
    notes: [],
    relativeCost: round(Math.max(1, share * 3)),
    sobjectCardinality,
    sobjectType: object.name,
  };
  if (!/^SEARCH/.test(leading) || fields.length === 0) return { plans: [tableScan] };
  const indexPlan: ExplainPlan = {
    ...tableScan,
    fields,
    leadingOperationType: 'Index',
    relativeCost: round(cardinality / Math.max(10, sobjectCardinality * 0.1)),
  };
  return { plans: [indexPlan, tableScan].sort((a, b) => a.relativeCost - b.relativeCost) };
}
