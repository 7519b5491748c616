import { type SalesforceRecord, type SoqlFragment, soql } from '@sfgql/soql';
import { z } from 'zod';
import { OperationError } from './errors.ts';
import { compileFilter, type Filter, filterSchema } from './filter.ts';
import { defineRead, parseInput } from './operation.ts';
import { readConditions } from './read.ts';
import type { FieldKind, FieldSpec, ObjectSpec } from './spec.ts';
import { STANDARD_SPECS, specNamed } from './specs.ts';

/**
 * Numbers about an object's records in one SOQL statement: counts, distinct counts, sums, averages,
 * minimums and maximums, grouped by fields and by calendar or fiscal periods of dates, filtered
 * before (`where`) and after (`having`) grouping. Every door renders the same request.
 */

export const DATE_GROUPINGS = [
  'CALENDAR_MONTH',
  'CALENDAR_QUARTER',
  'CALENDAR_YEAR',
  'FISCAL_QUARTER',
  'FISCAL_YEAR',
] as const;
export type DateGrouping = (typeof DATE_GROUPINGS)[number];

export const AGGREGATE_FUNCTIONS = ['COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX'] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

export const COMPARISONS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** The most groups one statement answers (Salesforce refuses more in an aggregate query). */
export const MAX_GROUPS = 2_000;

/** What a kind of field takes part in: grouping, distinct counts, sums and averages, minimums and maximums. */
const ROLES = {
  id: { group: true, sum: false, minMax: false },
  reference: { group: true, sum: false, minMax: false },
  string: { group: true, sum: false, minMax: true },
  textarea: { group: false, sum: false, minMax: false },
  phone: { group: true, sum: false, minMax: true },
  email: { group: true, sum: false, minMax: true },
  url: { group: true, sum: false, minMax: true },
  picklist: { group: true, sum: false, minMax: false },
  multipicklist: { group: false, sum: false, minMax: false },
  boolean: { group: true, sum: false, minMax: false },
  int: { group: true, sum: true, minMax: true },
  double: { group: false, sum: true, minMax: true },
  currency: { group: false, sum: true, minMax: true },
  percent: { group: false, sum: true, minMax: true },
  date: { group: true, sum: false, minMax: true },
  datetime: { group: false, sum: false, minMax: true },
  base64: { group: false, sum: false, minMax: false },
} as const satisfies Record<FieldKind, { group: boolean; sum: boolean; minMax: boolean }>;

const keysWhere = (spec: ObjectSpec, test: (field: FieldSpec) => boolean) =>
  Object.entries(spec.fields)
    .filter(([, field]) => test(field))
    .map(([key]) => key);

/** Fields a group can be keyed by. */
export const groupableKeys = (spec: ObjectSpec) => keysWhere(spec, (f) => ROLES[f.kind].group);
/** Date and date-time fields, grouped by a period. */
export const dateKeys = (spec: ObjectSpec) =>
  keysWhere(spec, (f) => f.kind === 'date' || f.kind === 'datetime');
/** Fields a function applies to: distinct counts to groupable fields, sums and averages to numbers. */
export const measurableKeys = (spec: ObjectSpec, fn: AggregateFunction) =>
  keysWhere(spec, (f) =>
    fn === 'COUNT_DISTINCT'
      ? ROLES[f.kind].group
      : fn === 'SUM' || fn === 'AVG'
        ? ROLES[f.kind].sum
        : ROLES[f.kind].minMax,
  );

export interface AggregateRequest {
  /** Field keys to group by, in order. */
  groupBy?: readonly string[] | undefined;
  /** Date fields to group by a period, after `groupBy`. */
  byDate?: readonly { field: string; by: DateGrouping }[] | undefined;
  /** What to compute beside each group's count. */
  measures?: readonly { fn: AggregateFunction; field: string }[] | undefined;
  where?: Filter | undefined;
  /** Conditions on the count (`measure: 'count'`) or on a measure (its name, e.g. `sum(amount)`). */
  having?: readonly { measure: string; op: Comparison; value: number }[] | undefined;
  /** The object's scopes (`includeInactive`, ...); left out, their defaults. */
  scopes?: Readonly<Record<string, unknown>> | undefined;
  /** The most groups to answer (1-2000, default 200). */
  limit?: number | undefined;
}

export interface AggregateGroup {
  /** Each grouping's value by its name (`status`, `CALENDAR_MONTH(closeDate)`). */
  keys: Record<string, string | number | boolean | null>;
  /** The records in the group. */
  count: number;
  /** Each measure's value by its name (`sum(amount)`). */
  measures: Record<string, number | string | null>;
}

/** A measure's name in answers and in `having`: `sum(amount)`, `countDistinct(accountId)`. */
export const measureName = (m: { fn: AggregateFunction; field: string }) =>
  `${m.fn === 'COUNT_DISTINCT' ? 'countDistinct' : m.fn.toLowerCase()}(${m.field})`;

/** A date grouping's name in answers: `CALENDAR_MONTH(closeDate)`. */
export const groupingName = (g: { field: string; by: DateGrouping }) => `${g.by}(${g.field})`;

function fieldOf(spec: ObjectSpec, key: string, allowed: readonly string[], what: string): FieldSpec {
  if (!allowed.includes(key))
    throw new OperationError(
      'INVALID_INPUT',
      `✖ ${spec.apiName} cannot be ${what} ${JSON.stringify(key)}; it can be ${what}: ${allowed.join(', ')}\n  → at ${what === 'grouped by' ? 'groupBy' : 'measures'}`,
    );
  return spec.fields[key] as FieldSpec;
}

const HAVING: Record<Comparison, (a: SoqlFragment, b: number) => SoqlFragment> = {
  eq: (a, b) => soql`${a} = ${b}`,
  ne: (a, b) => soql`${a} != ${b}`,
  lt: (a, b) => soql`${a} < ${b}`,
  lte: (a, b) => soql`${a} <= ${b}`,
  gt: (a, b) => soql`${a} > ${b}`,
  gte: (a, b) => soql`${a} >= ${b}`,
};

const FUNCTIONS: Record<AggregateFunction, (field: SoqlFragment) => SoqlFragment> = {
  COUNT_DISTINCT: (f) => soql`COUNT_DISTINCT(${f})`,
  SUM: (f) => soql`SUM(${f})`,
  AVG: (f) => soql`AVG(${f})`,
  MIN: (f) => soql`MIN(${f})`,
  MAX: (f) => soql`MAX(${f})`,
};

const PERIODS: Record<DateGrouping, (f: SoqlFragment) => SoqlFragment> = {
  CALENDAR_MONTH: (f) => soql`CALENDAR_MONTH(${f})`,
  CALENDAR_QUARTER: (f) => soql`CALENDAR_QUARTER(${f})`,
  CALENDAR_YEAR: (f) => soql`CALENDAR_YEAR(${f})`,
  FISCAL_QUARTER: (f) => soql`FISCAL_QUARTER(${f})`,
  FISCAL_YEAR: (f) => soql`FISCAL_YEAR(${f})`,
};

export interface AggregatePlan {
  statement: SoqlFragment;
  /** Reads the statement's rows as groups. */
  groups(records: readonly SalesforceRecord[]): AggregateGroup[];
}

/**
 * The one statement of an aggregate request, after checking it against the object's fields (each
 * refusal is `INVALID_INPUT` naming what the object can do instead), and how to read its rows.
 */
export function planAggregate(
  spec: ObjectSpec,
  request: AggregateRequest,
  /** Conditions a door compiled from its own filter input (the graph's, with its relations). */
  conditions: readonly SoqlFragment[] = [],
): AggregatePlan {
  const groupBy = request.groupBy ?? [];
  const byDate = request.byDate ?? [];
  if (groupBy.length + byDate.length > 3)
    throw new OperationError(
      'INVALID_INPUT',
      '✖ at most 3 groupings (groupBy and byDate together)\n  → at groupBy',
    );
  const limit = request.limit ?? 200;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_GROUPS)
    throw new OperationError('INVALID_INPUT', `✖ must be from 1 to ${MAX_GROUPS}\n  → at limit`);
  const groupings = [
    ...groupBy.map((key) => {
      const field = fieldOf(spec, key, groupableKeys(spec), 'grouped by');
      return { name: key, expr: soql.ident(field.apiName) };
    }),
    ...byDate.map((g) => {
      const field = fieldOf(spec, g.field, dateKeys(spec), 'grouped by');
      return { name: groupingName(g), expr: PERIODS[g.by](soql.ident(field.apiName)) };
    }),
  ];
  const measures = (request.measures ?? []).map((m) => {
    const field = fieldOf(spec, m.field, measurableKeys(spec, m.fn), `measured with ${m.fn} on`);
    return { name: measureName(m), expr: FUNCTIONS[m.fn](soql.ident(field.apiName)) };
  });
  const count = { name: 'count', expr: soql`COUNT(Id)` };
  const having = (request.having ?? []).map((h) => {
    const target = h.measure === 'count' ? count : measures.find((m) => m.name === h.measure);
    if (!target)
      throw new OperationError(
        'INVALID_INPUT',
        `✖ ${JSON.stringify(h.measure)} is not a measure of this request; use count or one of: ${measures.map((m) => m.name).join(', ') || 'none'}\n  → at having`,
      );
    return HAVING[h.op](target.expr, h.value);
  });
  const where = [...readConditions(spec, 'lists', request.scopes), ...conditions];
  if (request.where) {
    const condition = compileFilter(spec, parseInput(filterSchema(spec), request.where));
    if (condition) where.push(condition);
  }
  // Aliases name each column in the rows: g0.. the groupings, m0.. the measures, n the count.
  const select = soql.join(
    [
      ...groupings.map((g, i) => soql`${g.expr} ${soql.ident(`g${i}`)}`),
      soql`${count.expr} n`,
      ...measures.map((m, i) => soql`${m.expr} ${soql.ident(`m${i}`)}`),
    ],
    ', ',
  );
  let statement = soql`SELECT ${select} FROM ${soql.ident(spec.apiName)}`;
  if (where.length) statement = soql`${statement} WHERE ${soql.join(where, ' AND ')}`;
  if (groupings.length)
    statement = soql`${statement} GROUP BY ${soql.join(
      groupings.map((g) => g.expr),
      ', ',
    )}`;
  if (having.length) statement = soql`${statement} HAVING ${soql.join(having, ' AND ')}`;
  if (groupings.length)
    statement = soql`${statement} ORDER BY ${soql.join(
      groupings.map((g) => soql`${g.expr} ASC NULLS FIRST`),
      ', ',
    )}`;
  statement = soql`${statement} LIMIT ${limit}`;
  return {
    statement,
    groups: (records) =>
      records.map((row) => ({
        keys: Object.fromEntries(
          groupings.map((g, i) => [g.name, (row[`g${i}`] ?? null) as string | number | boolean | null]),
        ),
        count: Number(row.n ?? 0),
        measures: Object.fromEntries(
          measures.map((m, i) => [m.name, (row[`m${i}`] ?? null) as number | string | null]),
        ),
      })),
  };
}

/** The zod input of an aggregate request on one object (the REST and MCP doors' input). */
export function aggregateInputShape() {
  return {
    groupBy: z.array(z.string()).max(3).optional().describe('Fields to group by, e.g. ["status"].'),
    byDate: z
      .array(z.strictObject({ field: z.string(), by: z.enum(DATE_GROUPINGS) }))
      .max(3)
      .optional()
      .describe('Date fields to group by a period, e.g. [{"field":"closeDate","by":"CALENDAR_MONTH"}].'),
    measures: z
      .array(z.strictObject({ fn: z.enum(AGGREGATE_FUNCTIONS), field: z.string() }))
      .max(10)
      .optional()
      .describe('What to compute beside the count, e.g. [{"fn":"SUM","field":"amount"}].'),
    where: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Which records: field conditions, e.g. {"status":{"ne":"Closed"}}.'),
    having: z
      .array(z.strictObject({ measure: z.string(), op: z.enum(COMPARISONS), value: z.number().finite() }))
      .max(5)
      .optional()
      .describe('Conditions on the groups, e.g. [{"measure":"count","op":"gt","value":5}].'),
    limit: z
      .int()
      .min(1)
      .max(MAX_GROUPS)
      .default(200)
      .describe(`The most groups (1-${MAX_GROUPS}, default 200).`),
  };
}

/** The objects a request may be about: those of the catalog with fields to group or measure. */
const AGGREGATABLE = STANDARD_SPECS.filter((spec) => groupableKeys(spec).length > 0);

/** Counts and other numbers about one object's records, grouped, in one Salesforce call. */
export const aggregateRecords = defineRead({
  name: 'aggregateRecords',
  object: null,
  summary:
    'Count records of one object, grouped by fields or by month, quarter or year, with sums, averages, minimums and maximums: cases by status, pipeline by stage and month.',
  input: z.strictObject({
    object: z
      .enum(AGGREGATABLE.map((s) => s.apiName) as [string, ...string[]])
      .describe('The object, e.g. Case.'),
    ...aggregateInputShape(),
    scopes: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('The object\'s default filters lifted or chosen, e.g. {"includeInactive":true}.'),
  }),
  output: z.object({
    groups: z.array(
      z.object({
        keys: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
        count: z.int(),
        measures: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
      }),
    ),
  }),
  rest: { method: 'post', path: '/aggregates' },
  view: { kind: 'aggregate' },
  async execute(ctx, { object, ...request }) {
    const spec = specNamed(object) as ObjectSpec;
    const plan = planAggregate(spec, { ...request, where: request.where as Filter | undefined });
    const result = await ctx.client.query(plan.statement, { maxRecords: request.limit });
    return { groups: plan.groups(result.records) };
  },
});
