import { OperationError } from '@sfgql/objects/errors';
import { defaultOrder } from '@sfgql/objects/read';
import type { FieldSpec } from '@sfgql/objects/spec';
import { KEY_PREFIXES } from '@sfgql/objects/specs';
import { withArticle } from '@sfgql/objects/words';
import {
  isCalendarDate,
  MAX_PARENT_DEPTH,
  MAX_SOQL_LENGTH,
  type SoqlFragment,
  soql,
  toSalesforceId,
} from '@sfgql/soql';
import { FIELD_KINDS, isFilterable } from './kinds.ts';
import type { ObjectConfig } from './registry.ts';

/** The operators of a field filter, as Salesforce's GraphQL API names them. */
export interface FieldOperators {
  eq?: unknown;
  ne?: unknown;
  lt?: unknown;
  lte?: unknown;
  gt?: unknown;
  gte?: unknown;
  like?: string | null;
  in?: readonly unknown[] | null;
  nin?: readonly unknown[] | null;
  isNull?: boolean | null;
}

/** A `where` argument: fields, parents (by their graph names), and `and` / `or` / `not`. */
export type Filter = {
  and?: readonly Filter[] | null;
  or?: readonly Filter[] | null;
  not?: Filter | null;
} & Record<string, unknown>;

const invalid = (message: string) => new OperationError('INVALID_INPUT', message);

const DATE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * One value of a field as a SOQL literal, checked against the field's kind: Ids must be Salesforce
 * Ids (normalised to 18 characters), dates YYYY-MM-DD, date-times ISO 8601. Everything goes through
 * the `soql` tag, so no value can change the statement.
 */
export function literalFor(field: FieldSpec, value: unknown, where: string): SoqlFragment {
  if (value === null || value === undefined) return soql`${null}`;
  const literal = FIELD_KINDS[field.kind].literal;
  switch (literal) {
    case 'id': {
      const id = typeof value === 'string' ? toSalesforceId(value.trim()) : null;
      if (!id) throw invalid(`${where}: ${JSON.stringify(value)} is not a Salesforce Id`);
      // A lookup holds Ids of its objects only: any other Id can match nothing, and is refused as
      // every door refuses it.
      const objects = field.kind === 'reference' ? (field.references ?? []) : [];
      const prefixes = objects.map((o) => KEY_PREFIXES[o]).filter((p): p is string => p !== undefined);
      if (prefixes.length > 0 && !prefixes.some((p) => id.startsWith(p)))
        throw invalid(
          `${where}: ${JSON.stringify(value)} is not the Id of ${withArticle(objects.join(' or '))}`,
        );
      return soql`${id}`;
    }
    case 'date':
      // A calendar date: 2026-02-31 has the shape but no day (Date would roll it into March).
      if (typeof value !== 'string' || !DATE.test(value) || !isCalendarDate(value))
        throw invalid(`${where}: ${JSON.stringify(value)} is not a date (YYYY-MM-DD)`);
      return soql.date(value);
    case 'datetime': {
      if (
        typeof value !== 'string' ||
        !DATETIME.test(value) ||
        !isCalendarDate(value.slice(0, 10)) ||
        Number.isNaN(Date.parse(value))
      )
        throw invalid(`${where}: ${JSON.stringify(value)} is not an ISO 8601 date-time`);
      return soql`${new Date(value)}`;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(`${where}: expected true or false`);
      return soql`${value}`;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${where}: expected a number`);
      return soql`${value}`;
    case 'text':
      if (typeof value !== 'string') throw invalid(`${where}: expected text`);
      return soql`${value}`;
    default:
      return literal satisfies never;
  }
}

/** One list may take half of a SOQL statement's 100,000 characters; the rest is the query's own. */
const MAX_LIST_LENGTH = MAX_SOQL_LENGTH / 2;

function list(field: FieldSpec, values: readonly unknown[], where: string): SoqlFragment {
  if (values.length === 0) throw invalid(`${where}: give at least one value`);
  if (values.length > 1000) throw invalid(`${where}: at most 1000 values`);
  const fragment = soql`(${soql.join(
    values.map((v, i) => literalFor(field, v, `${where}[${i}]`)),
    ', ',
  )})`;
  if (fragment.text.length > MAX_LIST_LENGTH)
    throw invalid(
      `${where}: the values are ${fragment.text.length} characters long together; at most ${MAX_LIST_LENGTH} fit in a Salesforce query`,
    );
  return fragment;
}

const COMPARISONS = { eq: '=', ne: '!=', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

function fieldCondition(path: string, field: FieldSpec, ops: FieldOperators, where: string): SoqlFragment[] {
  const column = soql.ident(path);
  const parts: SoqlFragment[] = [];
  for (const [op, value] of Object.entries(ops) as [keyof FieldOperators, unknown][]) {
    if (value === undefined) continue;
    const at = `${where}.${op}`;
    if (op in COMPARISONS) {
      const comparison = COMPARISONS[op as keyof typeof COMPARISONS];
      // `eq: null` is an explicit comparison with null; ranges with null mean nothing.
      if (value === null && op !== 'eq' && op !== 'ne') throw invalid(`${at}: needs a value`);
      parts.push(soql`${column} ${comparisonFragment(comparison)} ${literalFor(field, value, at)}`);
    } else if (op === 'like') {
      if (typeof value !== 'string') throw invalid(`${at}: needs a pattern`);
      // The pattern's % and _ are wildcards, as in Salesforce; quotes and backslashes are escaped.
      parts.push(soql`${column} LIKE ${value}`);
    } else if (op === 'in' || op === 'nin') {
      if (!Array.isArray(value)) throw invalid(`${at}: needs a list`);
      parts.push(soql`${column} ${op === 'in' ? soql`IN` : soql`NOT IN`} ${list(field, value, at)}`);
    } else if (op === 'isNull') {
      if (value === null) continue;
      parts.push(value ? soql`${column} = null` : soql`${column} != null`);
    }
  }
  return parts;
}

const OPERATOR_TEXT: Record<string, SoqlFragment> = {
  '=': soql`=`,
  '!=': soql`!=`,
  '<': soql`<`,
  '<=': soql`<=`,
  '>': soql`>`,
  '>=': soql`>=`,
};
const comparisonFragment = (op: string) => OPERATOR_TEXT[op] as SoqlFragment;

/** Conditions made of several others joined by AND or OR. */
const compound = new WeakSet<SoqlFragment>();

/**
 * Salesforce refuses AND and OR mixed without parentheses: compound operands are parenthesised.
 * Single comparisons are not, so that a condition Salesforce wants at the top level of the WHERE
 * (PublishStatus on knowledge articles) stays there.
 */
function combine(parts: SoqlFragment[], separator: ' AND ' | ' OR '): SoqlFragment | null {
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0] as SoqlFragment;
  const joined = soql.join(
    parts.map((p) => (compound.has(p) ? soql`(${p})` : p)),
    separator,
  );
  compound.add(joined);
  return joined;
}

/**
 * Compiles a `where` argument into a SOQL condition over the object's fields and its parents'
 * fields (`account: { industry: { eq: "Media" } }` → `Account.Industry = 'Media'`), with
 * `and` / `or` / `not`. Returns null for an empty filter.
 */
export function compileWhere(
  config: ObjectConfig,
  filter: Filter | null | undefined,
  prefix: readonly string[] = [],
  where = 'where',
): SoqlFragment | null {
  if (!filter) return null;
  const parts: SoqlFragment[] = [];
  for (const [name, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
    const at = `${where}.${name}`;
    if (name === 'and' || name === 'or') {
      const items = (value as Filter[]).map((f, i) => compileWhere(config, f, prefix, `${at}[${i}]`));
      const combined = combine(
        items.filter((p): p is SoqlFragment => p !== null),
        name === 'and' ? ' AND ' : ' OR ',
      );
      if (combined) parts.push(combined);
      continue;
    }
    if (name === 'not') {
      const inner = compileWhere(config, value as Filter, prefix, at);
      if (inner) parts.push(soql`NOT (${inner})`);
      continue;
    }
    const def = config.fields.get(name);
    if (def?.kind === 'scalar' && isFilterable(def.field)) {
      const path = [...prefix, def.field.apiName].join('.');
      parts.push(...fieldCondition(path, def.field, value as FieldOperators, at));
    } else if (def?.kind === 'parent' && def.targets.length === 1) {
      if (prefix.length + 1 > MAX_PARENT_DEPTH)
        throw invalid(`${at}: filters reach at most ${MAX_PARENT_DEPTH} relationships deep`);
      const inner = compileWhere(def.targets[0], value as Filter, [...prefix, def.relationship], at);
      if (inner) parts.push(inner);
    } else {
      throw invalid(`${at}: cannot be filtered`);
    }
  }
  return combine(parts, ' AND ');
}

/** One ordering key as the caller gave it. */
export interface OrderByInput {
  field: string;
  direction?: 'ASC' | 'DESC' | null;
  nulls?: 'FIRST' | 'LAST' | null;
}

/** A resolved ordering key: the field, its direction and where nulls go (always explicit). */
export interface OrderKey {
  name: string;
  field: FieldSpec;
  descending: boolean;
  nullsFirst: boolean;
}

/**
 * The ordering of a list: the caller's keys, then Id so that the order is total (a cursor needs
 * that). Salesforce puts nulls first ascending and last descending unless told otherwise.
 */
export function orderKeys(
  config: ObjectConfig,
  orderBy: readonly OrderByInput[] | null | undefined,
): OrderKey[] {
  const keys: OrderKey[] = [];
  for (const item of orderBy ?? []) {
    const def = config.fields.get(item.field);
    if (def?.kind !== 'scalar' || !isFilterable(def.field))
      throw invalid(`orderBy: ${item.field} cannot be sorted on`);
    if (keys.some((k) => k.name === item.field)) continue;
    const descending = item.direction === 'DESC';
    keys.push({
      name: item.field,
      field: def.field,
      descending,
      nullsFirst: item.nulls ? item.nulls === 'FIRST' : !descending,
    });
  }
  // Without an order of its own, a list comes in its object's default order (newest first).
  if (keys.length === 0) {
    for (const term of defaultOrder(config.spec)) {
      const entry = [...config.fields].find(([, def]) => def.kind === 'scalar' && def.key === term.field);
      if (entry?.[1].kind !== 'scalar') continue;
      const descending = term.direction === 'DESC';
      keys.push({ name: entry[0], field: entry[1].field, descending, nullsFirst: !descending });
    }
  }
  if (!keys.some((k) => k.field.apiName === 'Id')) {
    const id = config.fields.get('id');
    if (id?.kind === 'scalar')
      keys.push({ name: 'id', field: id.field, descending: false, nullsFirst: true });
  }
  return keys;
}

export function orderByClause(keys: readonly OrderKey[]): SoqlFragment {
  return soql.join(
    keys.map(
      (k) =>
        soql`${soql.ident(k.field.apiName)} ${k.descending ? soql`DESC` : soql`ASC`} ${k.nullsFirst ? soql`NULLS FIRST` : soql`NULLS LAST`}`,
    ),
    ', ',
  );
}

/** Whether a list's order pages by keyset (see `KindTraits.keyset`); else by OFFSET. */
export const isKeysetOrder = (keys: readonly OrderKey[]) =>
  keys.every((k) => FIELD_KINDS[k.field.kind].keyset);

/** Salesforce's OFFSET stops at 2000 rows. */
export const MAX_OFFSET = 2000;

/** What a cursor carries: the last row's order values (keyset) or the rows before it (offset). */
export type Cursor = { values: unknown[] } | { offset: number };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

export function decodeCursor(text: string, keys: readonly OrderKey[]): Cursor {
  const bad = () => invalid(`after: ${JSON.stringify(text.slice(0, 40))} is not a cursor of this list`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (parsed && typeof parsed === 'object' && 'offset' in parsed) {
    const offset = (parsed as { offset: unknown }).offset;
    if (!Number.isInteger(offset) || (offset as number) < 0 || (offset as number) > MAX_OFFSET) throw bad();
    if (isKeysetOrder(keys)) throw bad();
    return { offset: offset as number };
  }
  if (parsed && typeof parsed === 'object' && 'values' in parsed) {
    const values = (parsed as { values: unknown }).values;
    if (!Array.isArray(values) || values.length !== keys.length || !isKeysetOrder(keys)) throw bad();
    // Each value must fit its field; literalFor checks and escapes it.
    keys.forEach((k, i) => {
      literalFor(k.field, values[i], 'after');
    });
    return { values };
  }
  throw bad();
}

/** The cursor of a record in a list ordered by `keys`. */
export function cursorOf(record: Record<string, unknown>, keys: readonly OrderKey[], offset: number): string {
  if (!isKeysetOrder(keys)) return encodeCursor({ offset });
  return encodeCursor({ values: keys.map((k) => record[k.field.apiName] ?? null) });
}

/**
 * The rows after a keyset cursor: for keys k1..kn and values v1..vn, those with (k1 after v1) or
 * (k1 = v1 and k2 after v2) or ..., where "after" follows each key's direction and null placement.
 */
export function afterCondition(keys: readonly OrderKey[], values: readonly unknown[]): SoqlFragment | null {
  const terms: SoqlFragment[] = [];
  keys.forEach((key, i) => {
    const column = soql.ident(key.field.apiName);
    const value = values[i];
    let after: SoqlFragment | null;
    if (value === null) {
      // Nulls first: everything non-null comes after; nulls last: nothing does.
      after = key.nullsFirst ? soql`${column} != null` : null;
    } else {
      const literal = literalFor(key.field, value, 'after');
      const beyond = key.descending ? soql`${column} < ${literal}` : soql`${column} > ${literal}`;
      after = key.nullsFirst ? beyond : (combine([beyond, soql`${column} = null`], ' OR ') as SoqlFragment);
    }
    if (!after) return;
    const equals = keys
      .slice(0, i)
      .map((k, j) => soql`${soql.ident(k.field.apiName)} = ${literalFor(k.field, values[j], 'after')}`);
    terms.push(combine([...equals, after], ' AND ') as SoqlFragment);
  });
  return combine(terms, ' OR ');
}

/** Combines conditions with AND, each parenthesised; null when there are none. */
export function allOf(parts: readonly (SoqlFragment | null | undefined)[]): SoqlFragment | null {
  return combine(
    parts.filter((p): p is SoqlFragment => Boolean(p)),
    ' AND ',
  );
}
