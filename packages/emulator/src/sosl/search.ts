import type { DatabaseSync } from 'node:sqlite';
import { ApiError } from '../errors.ts';
import type { Catalog } from '../metadata/catalog.ts';
import type { ObjectMeta } from '../metadata/types.ts';
import { compileQuery, type RecordsPlan } from '../soql/compile.ts';
import { recordsCursor } from '../soql/execute.ts';
import type { UserLocale } from '../soql/format.ts';
import { parseSoql } from '../soql/parser.ts';
import { matchSql, registerSearchFunctions, relevanceSql } from './match.ts';
import { asSearchError, checkReturning, type ObjectSearch } from './parser.ts';
import { indexedFields, refreshSearchIndex, type SearchGroup } from './search-index.ts';
import type { TermNode } from './term.ts';

/** Salesforce returns at most 2,000 records from one search. */
export const MAX_SEARCH_RESULTS = 2000;

export interface SearchContext {
  db: DatabaseSync;
  catalog: Catalog;
  /** `v60.0`, for each record's `attributes.url`. */
  apiVersion: string;
  /** The org's clock, for date literals in WHERE clauses. */
  now: Date;
  userId: string;
  /** The running user's locale and time zone, for FORMAT() in RETURNING clauses. */
  locale?: UserLocale;
}

/** A search to run: a term, where to look for it, and what to return. */
export interface SearchRequest {
  term: TermNode;
  group: SearchGroup;
  /** The objects to search, each as a SOQL query; null for every searchable object (Ids only). */
  objects: ObjectSearch[] | null;
  /** The most records in all (at most 2,000). */
  limit: number | null;
}

/**
 * The objects a search without RETURNING covers: every searchable object with searchable text,
 * except Knowledge, which Salesforce only searches with a publish status filter.
 */
export function defaultSearchObjects(catalog: Catalog): ObjectSearch[] {
  return catalog.objects
    .filter((o) => indexedFields(o) && o.name !== 'KnowledgeArticleVersion' && !o.name.endsWith('__kav'))
    .map((o) => soqlSearch(`SELECT Id FROM ${o.name}`));
}

/** An object search written as SOQL (parameterized search builds these). */
export function soqlSearch(soql: string): ObjectSearch {
  let search: ObjectSearch;
  try {
    search = { source: soql, query: parseSoql(soql) };
  } catch (error) {
    throw asSearchError(error);
  }
  checkReturning(soql, search.query);
  return search;
}

/**
 * Runs a search: each object's query, restricted to the rows its full-text index matches and
 * never a deleted one, in RETURNING order until the overall limit is reached. Every clause is
 * compiled (and so checked) before any runs. Records come in each object's ORDER BY, or by
 * relevance (see search-index.ts), then in the order they were created.
 */
export function runSearch(request: SearchRequest, context: SearchContext): Record<string, unknown>[] {
  registerSearchFunctions(context.db);
  const objects = request.objects ?? defaultSearchObjects(context.catalog);
  const plans: RecordsPlan[] = [];
  for (const search of objects) {
    const object = context.catalog.object(search.query.from.name);
    if (object && !object.searchable) {
      // (unconfirmed) wording.
      throw new ApiError(400, 'INVALID_TYPE', `entity type ${object.name} does not support search`);
    }
    const fields = object ? indexedFields(object) : undefined;
    if (object && fields) refreshSearchIndex(context.db, object);
    let plan: ReturnType<typeof compileQuery>;
    try {
      plan = compileQuery(search.source, search.query, {
        catalog: context.catalog,
        now: context.now,
        includeDeleted: false,
        userId: context.userId,
        locale: context.locale,
        restrict: (alias, bind) =>
          object && fields
            ? matchSql(request.term, request.group, object as ObjectMeta, fields, alias, bind)
            : '0',
        relevance: (alias, bind) =>
          object && fields ? relevanceSql(request.term, request.group, object, alias, bind) : null,
      });
    } catch (error) {
      throw asSearchError(error);
    }
    if (plan.kind !== 'records' || plan.children.length > 0) {
      throw new ApiError(
        400,
        'MALFORMED_SEARCH',
        'Aggregate queries and subqueries are not supported in a search',
      );
    }
    plans.push(plan);
  }
  const limit = Math.min(request.limit ?? MAX_SEARCH_RESULTS, MAX_SEARCH_RESULTS);
  const records: Record<string, unknown>[] = [];
  for (const plan of plans) {
    const remaining = limit - records.length;
    if (remaining <= 0) break;
    const bounded: RecordsPlan = { ...plan, sql: `SELECT * FROM (${plan.sql}) LIMIT ${remaining}` };
    try {
      records.push(...recordsCursor(context.db, bounded).page(0, remaining, context.apiVersion).records);
    } catch (error) {
      // The term compiles to well-formed FTS5 queries; this is a last guard against a 500.
      if (error instanceof Error && /fts5/i.test(error.message)) {
        throw new ApiError(400, 'MALFORMED_SEARCH', `search term could not be parsed: ${error.message}`);
      }
      throw error;
    }
  }
  return records;
}
