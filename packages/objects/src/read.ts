import {
  hasSearchableWord,
  type SalesforceRecord,
  type SoqlFragment,
  type SoslStatement,
  soql,
  sosl,
} from '@sfgql/soql';
import { z } from 'zod';
import { OperationError } from './errors.ts';
import type { OperationContext } from './operation.ts';
import { termSearch } from './search.ts';
import { compactKeys, type FieldSpec, fromSalesforce, type ObjectSpec, selectFields } from './spec.ts';

/**
 * A filter every list of an object applies unless the caller asks otherwise, as a named argument
 * with a default that every door offers: `includeInactive`, `allPricebooks`, `language`.
 */
export type Scope =
  | {
      kind: 'flag';
      /** The argument; `true` lifts the filter. */
      name: string;
      description: string;
      /** The condition applied while the flag is false (its default). */
      where: SoqlFragment;
      /** Lists only (`lists`), or single records too (`all`). */
      appliesTo: 'lists' | 'all';
    }
  | {
      kind: 'choice';
      name: string;
      description: string;
      values: readonly [string, ...string[]];
      default: string;
      where(value: string): SoqlFragment;
      appliesTo: 'lists' | 'all';
    };

/** Active records only, unless the caller asks for the inactive ones too (`includeInactive`). */
export function activeOnly(description: string): Scope {
  return {
    kind: 'flag',
    name: 'includeInactive',
    description,
    where: soql`IsActive = TRUE`,
    appliesTo: 'lists',
  };
}

/** One key of an object's default order. */
export interface OrderTerm {
  /** The field's key in the spec. */
  field: string;
  direction: 'ASC' | 'DESC';
}

/**
 * How an object is read, the same through every door: what a record of it is at all, the filters
 * lists apply by default, their order, and the other keys that name one record.
 */
export interface ReadRules {
  /** Added to every read of the object, single records included (Queue: `Type = 'Queue'`). */
  base?: SoqlFragment;
  scopes?: readonly Scope[];
  /** The order of a list that names none (Id breaks ties); most recently modified first by default. */
  order?: readonly OrderTerm[];
  /** Field keys whose value names one record, besides the Id (`caseNumber`, `articleNumber`). */
  keys?: readonly string[];
  /**
   * Ids of another object that name one of these records through a field: a KnowledgeArticle Id
   * (`kA0…`) names its version through `knowledgeArticleId`. Key prefix → field key.
   */
  idsOf?: Readonly<Record<string, string>>;
  /**
   * A search term is matched by Salesforce's full-text search (SOSL) over every searchable field,
   * any of its words, ranked by relevance, instead of the search fields' SOQL conditions: knowledge
   * articles are found by the words of their summary and body, which SOQL cannot filter on.
   */
  fullText?: boolean;
}

const NEWEST_FIRST: readonly OrderTerm[] = [{ field: 'lastModifiedDate', direction: 'DESC' }];

/** The default order of an object's lists. */
export function defaultOrder(spec: ObjectSpec): readonly OrderTerm[] {
  if (spec.read?.order) return spec.read.order;
  return spec.fields.lastModifiedDate ? NEWEST_FIRST : [];
}

/** The scopes that apply to a list (`lists`) or also to single records (`one`). */
export function scopesOf(spec: ObjectSpec, use: 'lists' | 'one'): readonly Scope[] {
  return (spec.read?.scopes ?? []).filter((s) => use === 'lists' || s.appliesTo === 'all');
}

/** A scope's argument as input, with its default. */
export function scopeSchema(scope: Scope): z.ZodType {
  return scope.kind === 'flag'
    ? z.boolean().default(false).describe(scope.description)
    : z.enum(scope.values).default(scope.default).describe(scope.description);
}

/** The zod shape of an object's scope arguments. */
export function scopeShape(spec: ObjectSpec, use: 'lists' | 'one'): Record<string, z.ZodType> {
  return Object.fromEntries(scopesOf(spec, use).map((s) => [s.name, scopeSchema(s)]));
}

/**
 * The conditions every read of the object adds: its base filter and its scopes, each with the
 * caller's value or its default. An unknown choice is INVALID_INPUT.
 */
export function readConditions(
  spec: ObjectSpec,
  use: 'lists' | 'one',
  values: Readonly<Record<string, unknown>> = {},
): SoqlFragment[] {
  const conditions = spec.read?.base ? [spec.read.base] : [];
  for (const scope of scopesOf(spec, use)) {
    const value = values[scope.name];
    if (scope.kind === 'flag') {
      if (value !== true) conditions.push(scope.where);
    } else {
      const choice = value === undefined || value === null ? scope.default : value;
      if (typeof choice !== 'string' || !scope.values.includes(choice))
        throw new OperationError(
          'INVALID_INPUT',
          `✖ must be one of: ${scope.values.join(', ')}\n  → at ${scope.name}`,
        );
      conditions.push(scope.where(choice));
    }
  }
  return conditions;
}

/** The ORDER BY of a list in the object's default order, Id last. */
export function defaultOrderBy(spec: ObjectSpec): SoqlFragment {
  const terms = defaultOrder(spec).map((t) => {
    const field = spec.fields[t.field] as FieldSpec;
    return soql`${soql.ident(field.apiName)} ${t.direction === 'DESC' ? soql`DESC NULLS LAST` : soql`ASC NULLS FIRST`}`;
  });
  return soql.join([...terms, soql`Id ASC`], ', ');
}

/** A list of one object's records, as every door asks for it. */
export interface ListQuery {
  /** Words, an email, a phone number or a number, matched against the search fields. */
  term?: string | undefined;
  /** Field key → the value it must equal (a case's comments: `parentId`). */
  equals?: Readonly<Record<string, string>>;
  /** Scope arguments; left out, their defaults. */
  scopes?: Readonly<Record<string, unknown>>;
  limit: number;
  /** Field keys to return; the compact view by default. */
  keys?: readonly string[];
}

/** The conditions of a list query: the object's read rules and the equalities asked for. */
function listConditions(spec: ObjectSpec, query: ListQuery): SoqlFragment[] {
  const where = readConditions(spec, 'lists', query.scopes);
  for (const [key, value] of Object.entries(query.equals ?? {})) {
    const field = spec.fields[key];
    if (!field) throw new Error(`${spec.apiName} has no field ${key}`);
    where.push(soql`${soql.ident(field.apiName)} = ${value}`);
  }
  return where;
}

/**
 * The SOSL search of a list query with a term, for an object searched in full text (`fullText`):
 * any of the term's words in any searchable field, the object's read rules as the RETURNING filter,
 * in Salesforce's order of relevance. Words are not made prefixes: a wildcard turns off
 * Salesforce's stemming, which lets `refunds` find `refund` and `discrepancies` find `discrepancy`.
 * INVALID_INPUT for a term without a word to search.
 */
export function fullTextStatement(
  spec: ObjectSpec,
  query: ListQuery & { term: string },
  /** The API names to return, when a selection says them (a GraphQL query); else the keys'. */
  fields?: readonly string[],
): SoslStatement {
  if (!hasSearchableWord(query.term))
    throw new OperationError(
      'INVALID_INPUT',
      '✖ needs a word of at least two letters or digits\n  → at term',
    );
  const where = listConditions(spec, query);
  return sosl.find(query.term, {
    in: 'ALL',
    match: 'any',
    returning: [
      {
        object: spec.apiName,
        fields: [...new Set(fields ?? selectFields(spec, query.keys ?? compactKeys(spec)))],
        ...(where.length ? { where: soql.join(where, ' AND ') } : {}),
        limit: query.limit,
      },
    ],
  });
}

/**
 * The records of a list query: in the object's default order, or, for a term over an object
 * searched in full text, in order of relevance.
 */
export async function runList(ctx: OperationContext, spec: ObjectSpec, query: ListQuery) {
  const keys = query.keys ?? compactKeys(spec);
  if (query.term && spec.read?.fullText) {
    const found = await ctx.client.search(fullTextStatement(spec, { ...query, term: query.term, keys }));
    return found.map((r) => fromSalesforce(spec, r, keys));
  }
  const where = listConditions(spec, query);
  const search = query.term ? termSearch(spec, query.term) : null;
  if (query.term && !search)
    throw new OperationError('INVALID_INPUT', `${spec.labelPlural} cannot be searched by term.`);
  if (search) where.push(search.condition);
  // A loose phone pattern may match more than it should: fetch more, then keep the real matches.
  const fetchLimit = search?.verify ? Math.min(query.limit * 5, 200) : query.limit;
  const fields = [...new Set(selectFields(spec, keys))];
  if (search?.verify)
    for (const field of Object.values(spec.fields)) if (field.search) fields.push(field.apiName);
  const whereClause = where.length ? soql` WHERE ${soql.join(where, ' AND ')}` : soql``;
  const result = await ctx.client.query(
    soql`SELECT ${soql.fields([...new Set(fields)])} FROM ${soql.ident(spec.apiName)}${whereClause} ORDER BY ${defaultOrderBy(spec)} LIMIT ${fetchLimit}`,
  );
  const records = search?.verify ? result.records.filter(search.verify) : result.records;
  return records.slice(0, query.limit).map((r) => fromSalesforce(spec, r, keys));
}

/** One record, as every door names it: by its Id, or by the value of one of its keys. */
export type OneQuery = ({ id: string } | { key: string; value: string }) & {
  scopes?: Readonly<Record<string, unknown>>;
  keys?: readonly string[];
};

/** The condition that names one record: its Id, an Id of another object it answers to, or a key. */
export function oneCondition(spec: ObjectSpec, query: { id: string } | { key: string; value: string }) {
  if ('id' in query) {
    const through = spec.read?.idsOf?.[query.id.slice(0, 3)];
    const field = through ? spec.fields[through] : undefined;
    return field ? soql`${soql.ident(field.apiName)} = ${query.id}` : soql`Id = ${query.id}`;
  }
  const field = spec.fields[query.key];
  if (!field || !spec.read?.keys?.includes(query.key))
    throw new Error(`${spec.apiName}.${query.key} does not name one record`);
  return soql`${soql.ident(field.apiName)} = ${query.value}`;
}

/** The record a one-record query names (with every field by default), or null. */
export async function runOne(ctx: OperationContext, spec: ObjectSpec, query: OneQuery) {
  const record = await readOne(ctx, spec, query, selectFields(spec, query.keys));
  return record ? fromSalesforce(spec, record, query.keys) : null;
}

/** The statement of a one-record query, with the given API names selected. */
export function oneStatement(spec: ObjectSpec, query: OneQuery, fields: readonly string[]): SoqlFragment {
  const where = [oneCondition(spec, query), ...readConditions(spec, 'one', query.scopes)];
  return soql`SELECT ${soql.fields([...new Set(fields)])} FROM ${soql.ident(spec.apiName)} WHERE ${soql.join(where, ' AND ')} ORDER BY ${defaultOrderBy(spec)} LIMIT 1`;
}

/** Like {@link runOne}, with the given API names selected and the record as Salesforce gave it. */
export async function readOne(
  ctx: OperationContext,
  spec: ObjectSpec,
  query: OneQuery,
  fields: readonly string[],
): Promise<SalesforceRecord | null> {
  const result = await ctx.client.query(oneStatement(spec, query, fields));
  return result.records[0] ?? null;
}
