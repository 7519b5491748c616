import { OperationError } from '@sfgql/objects/errors';
import { planQuery, type SalesforceRecord, type SoqlFragment, type SoslStatement, soql } from '@sfgql/soql';
import type { GraphQLContext } from './builder.ts';
import { afterCondition, allOf, cursorOf, decodeCursor, type OrderKey } from './filters.ts';
import {
  type ListArgs,
  type PlanNode,
  type RecordSource,
  rootPlacement,
  sourceOf,
  toSelection,
} from './plan.ts';
import type { ObjectConfig } from './registry.ts';

/** What a connection's resolvers read: one page of records and how to count them all. */
export interface ConnectionSource {
  records: RecordSource[];
  keys: readonly OrderKey[];
  /** Rows before this page (for offset cursors). */
  offset: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Counts every record of the list (COUNT() or an aggregate); called only when asked. */
  count: () => Promise<number>;
}

export interface Edge {
  cursor: string;
  node: RecordSource;
}

export function edgesOf(connection: ConnectionSource): Edge[] {
  return connection.records.map((node, i) => ({
    cursor: cursorOf(node.record, connection.keys, connection.offset + i + 1),
    node,
  }));
}

/** A page from records fetched with one extra row (LIMIT first + 1) to tell whether more follow. */
export function connectionOf(
  records: readonly SalesforceRecord[],
  node: PlanNode,
  args: ListArgs,
  options: {
    offset: number;
    count: () => Promise<number>;
    verify?: ((r: SalesforceRecord) => boolean) | null;
  },
): ConnectionSource {
  const kept = options.verify ? records.filter(options.verify) : records;
  // A first page that holds the whole list already says how many there are: no count query.
  const complete = args.after === null && records.length <= args.first;
  const page = kept.slice(0, args.first);
  // A backward page was read from its end: put it back in the list's order.
  if (args.backward) page.reverse();
  const more = records.length > args.first;
  return {
    records: page.map((r) => sourceOf(r, node)),
    keys: args.keys,
    offset: options.offset,
    hasNextPage: args.backward ? args.after !== null : more,
    hasPreviousPage: args.backward ? more : args.after !== null,
    count: complete ? async () => kept.length : options.count,
  };
}

/** The selection of a node queried on its own (by a loader or a root field), computed once. */
const rootSelections = new WeakMap<PlanNode, ReturnType<typeof toSelection>>();
export function rootSelectionOf(node: PlanNode, childLevels: number, childLevel = 1) {
  let selection = rootSelections.get(node);
  if (!selection) {
    selection = toSelection(node, rootPlacement(childLevels, childLevel));
    rootSelections.set(node, selection);
  }
  return selection;
}

/**
 * Fetches one page of a list in one statement: the node's fields, parents and children folded in,
 * the filter, the order, and the cursor as a keyset condition (or an OFFSET for orders that cannot
 * be compared).
 */
export async function fetchPage(
  ctx: GraphQLContext,
  config: ObjectConfig,
  node: PlanNode,
  args: ListArgs,
  options: { extra?: SoqlFragment | null; verify?: ((r: SalesforceRecord) => boolean) | null } = {},
): Promise<ConnectionSource> {
  let where = allOf([args.where, options.extra]);
  let offset = 0;
  if (args.after !== null) {
    const cursor = decodeCursor(args.after, args.keys);
    if ('values' in cursor) where = allOf([where, afterCondition(args.fetchKeys, cursor.values)]);
    else offset = cursor.offset;
  }
  const countWhere = allOf([args.where, options.extra]);
  const count = async () => {
    const result = await ctx.client.query(
      countWhere
        ? soql`SELECT COUNT() FROM ${soql.ident(config.spec.apiName)} WHERE ${countWhere}`
        : soql`SELECT COUNT() FROM ${soql.ident(config.spec.apiName)}`,
    );
    return result.totalSize;
  };
  if (args.first === 0 && args.after === null) {
    // Only the count (or nothing) is wanted: no rows to fetch.
    return { records: [], keys: args.keys, offset, hasNextPage: false, hasPreviousPage: false, count };
  }
  const plan = planQuery(
    {
      object: config.spec.apiName,
      ...rootSelectionOf(node, ctx.childLevels),
      ...(where ? { where } : {}),
      orderBy: args.orderBy,
      limit: args.first + 1,
      ...(offset ? { offset } : {}),
    },
    { childLevels: ctx.childLevels },
  );
  if (plan.deferred.length) throw new Error('The planner deferred a part the gateway meant to inline');
  const result = await ctx.client.query(plan.statement, { maxRecords: args.first + 1 });
  return connectionOf(result.records, node, args, { offset, count, verify: options.verify ?? null });
}

/** The most records a SOSL search returns: what a full-text search's count can reach. */
const SEARCH_MAX = 2000;

/**
 * One page of a full-text search (of an object the catalog searches in full text): the most
 * relevant records first, in one SOSL call made by `search` for the fields and rows it is given.
 * SOSL returns plain fields: relations the query asks of the records are loaded afterwards, in
 * batches. `totalCount` counts the matches, up to 2000.
 */
export async function fetchSearchPage(
  ctx: GraphQLContext,
  node: PlanNode,
  args: ListArgs,
  search: (fields: readonly string[], limit: number) => SoslStatement,
): Promise<ConnectionSource> {
  const { fields } = toSelection(node, { ...rootPlacement(ctx.childLevels), flat: true });
  const records = await ctx.client.search(search(fields, args.first + 1));
  return connectionOf(records, node, args, {
    offset: 0,
    count: async () => (await ctx.client.search(search(['Id'], SEARCH_MAX))).length,
  });
}

/** One record by conditions (Id, CaseNumber, and the object's rules), everything the query asks of it in one statement. */
export async function fetchOne(
  ctx: GraphQLContext,
  config: ObjectConfig,
  node: PlanNode,
  where: readonly SoqlFragment[],
): Promise<RecordSource | null> {
  const plan = planQuery(
    {
      object: config.spec.apiName,
      ...rootSelectionOf(node, ctx.childLevels),
      where: allOf(where) as SoqlFragment,
      limit: 1,
    },
    { childLevels: ctx.childLevels },
  );
  const result = await ctx.client.query(plan.statement, { maxRecords: 1 });
  const record = result.records[0];
  return record ? sourceOf(record, node) : null;
}

export const invalidInput = (message: string) => new OperationError('INVALID_INPUT', message);
