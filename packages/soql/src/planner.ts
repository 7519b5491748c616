import { type SoqlFragment, soql, validatedFragment } from './soql.ts';

/** What a caller wants from one object: fields, parents by relationship name, children by relationship name. */
export interface Selection {
  fields: readonly string[];
  /** Lookups, keyed by relationship name (`Account` on Contact). */
  parents?: Readonly<Record<string, Selection>>;
  /** Child relationships, keyed by relationship name (`Cases` on Contact). */
  children?: Readonly<Record<string, ChildSelection>>;
  /**
   * Polymorphic lookups read per type of the record they point to, keyed by relationship name and
   * then by object: `{ What: { Account: ['Id', 'Name'], Case: ['Id', 'CaseNumber'] } }` becomes
   * `TYPEOF What WHEN Account THEN Id, Name WHEN Case THEN Id, CaseNumber END`. Only plain fields:
   * Salesforce takes no paths there. A relationship read this way must not also be selected
   * through `parents` (Salesforce refuses both in one field list).
   */
  typeOf?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export interface ChildSelection extends Selection {
  where?: SoqlFragment;
  orderBy?: SoqlFragment;
  limit?: number;
}

export interface RootSelection extends Selection {
  object: string;
  where?: SoqlFragment;
  orderBy?: SoqlFragment;
  limit?: number;
  offset?: number;
}

/** A part of the tree one statement cannot fetch: the caller loads it in a batch per level. */
export interface DeferredPart {
  /** Relationship names from the root record to the record the part hangs off. */
  path: string[];
  kind: 'parent' | 'children';
  relationship: string;
  selection: Selection | ChildSelection;
}

/** How much one statement may nest. */
export interface PlanOptions {
  /**
   * Levels of parent-to-child relationships one statement may hold, counting the queried object as
   * the first: 2 (the default) puts each child relationship of the root in a subquery, as every API
   * version allows; up to 5 nests subqueries inside subqueries, as API 58.0 and later allow through
   * REST and SOAP queries.
   */
  childLevels?: number;
}

/** Salesforce allows five levels of parent-to-child relationships (API 58.0 and later). */
export const MAX_CHILD_LEVELS = 5;

export interface QueryPlan {
  statement: SoqlFragment;
  deferred: DeferredPart[];
}

/** Salesforce allows five levels of child-to-parent relationship in one query. */
export const MAX_PARENT_DEPTH = 5;
/** ...and at most 20 parent-to-child subqueries. */
export const MAX_SUBQUERIES = 20;

/** The field list of one FROM level being built: plain fields, TYPEOF clauses, and subqueries. */
interface Level {
  fields: string[];
  typeOfs: string[];
}

interface Budget {
  subqueries: number;
  childLevels: number;
}

function typeOfClause(relationship: string, branches: Readonly<Record<string, readonly string[]>>): string {
  const whens = Object.entries(branches)
    .filter(([, fields]) => fields.length > 0)
    .map(([object, fields]) => `WHEN ${soql.ident(object).text} THEN ${soql.fields(unique(fields)).text}`);
  if (whens.length === 0) throw new TypeError(`TYPEOF ${relationship} needs at least one type with fields`);
  return `TYPEOF ${soql.ident(relationship).text} ${whens.join(' ')} END`;
}

function parentFields(
  selection: Selection,
  prefix: string[],
  depth: number,
  path: string[],
  deferred: DeferredPart[],
  level: Level,
): void {
  level.fields.push(...selection.fields.map((f) => [...prefix, f].join('.')));
  for (const [relationship, branches] of Object.entries(selection.typeOf ?? {})) {
    if (depth + 1 > MAX_PARENT_DEPTH) {
      const fields = [...new Set(Object.values(branches).flat())];
      deferred.push({ path, kind: 'parent', relationship, selection: { fields } });
      continue;
    }
    level.typeOfs.push(typeOfClause([...prefix, relationship].join('.'), branches));
  }
  for (const [relationship, parent] of Object.entries(selection.parents ?? {})) {
    if (depth + 1 > MAX_PARENT_DEPTH) {
      deferred.push({ path, kind: 'parent', relationship, selection: parent });
      continue;
    }
    parentFields(parent, [...prefix, relationship], depth + 1, [...path, relationship], deferred, level);
  }
  // A parent's children cannot be nested in a query: they are loaded by parent Id afterwards.
  if (prefix.length > 0) {
    for (const [relationship, child] of Object.entries(selection.children ?? {})) {
      level.fields.push([...prefix, 'Id'].join('.'));
      deferred.push({ path, kind: 'children', relationship, selection: child });
    }
  }
}

/**
 * The field list of one FROM level (`Id`, fields, parent paths, TYPEOF clauses) and its child
 * subqueries, nested while the budget allows; the rest is deferred.
 */
function fieldList(
  selection: Selection,
  path: string[],
  levelNumber: number,
  budget: Budget,
  deferred: DeferredPart[],
): string {
  const level: Level = { fields: ['Id'], typeOfs: [] };
  parentFields({ ...selection, children: {} }, [], 0, path, deferred, level);
  const subqueries: string[] = [];
  for (const [relationship, child] of Object.entries(selection.children ?? {})) {
    if (levelNumber >= budget.childLevels || budget.subqueries >= MAX_SUBQUERIES) {
      // Its parents' Ids are what the batch loader needs.
      deferred.push({ path, kind: 'children', relationship, selection: child });
      continue;
    }
    budget.subqueries++;
    const inner = fieldList(child, [...path, relationship], levelNumber + 1, budget, deferred);
    let sub = `SELECT ${inner} FROM ${soql.ident(relationship).text}`;
    if (child.where) sub += ` WHERE ${child.where.text}`;
    if (child.orderBy) sub += ` ORDER BY ${child.orderBy.text}`;
    if (child.limit !== undefined) sub += ` LIMIT ${integer(child.limit, 'limit')}`;
    subqueries.push(`(${sub})`);
  }
  return [soql.fields(unique(level.fields)).text, ...level.typeOfs, ...subqueries].join(', ');
}

const unique = (fields: readonly string[]) => {
  const seen = new Set<string>();
  return fields.filter((f) => {
    const key = f.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/**
 * Plans the fewest SOQL statements for a tree of requested data: parents fold into relationship
 * paths (up to five levels), polymorphic parents into TYPEOF clauses, children into subqueries (at
 * most twenty), each with its own filter, order and limit; with `childLevels` above 2, children of
 * children nest too. Whatever Salesforce cannot nest (children past the levels allowed, children of
 * parents, paths deeper than five, subqueries past twenty) is returned as deferred parts for batch
 * loaders.
 */
export function planQuery(root: RootSelection, options: PlanOptions = {}): QueryPlan {
  const childLevels = options.childLevels ?? 2;
  if (!Number.isInteger(childLevels) || childLevels < 1 || childLevels > MAX_CHILD_LEVELS)
    throw new TypeError(`childLevels must be an integer from 1 to ${MAX_CHILD_LEVELS}, got ${childLevels}`);
  const deferred: DeferredPart[] = [];
  const budget: Budget = { subqueries: 0, childLevels };
  let text = `SELECT ${fieldList(root, [], 1, budget, deferred)} FROM ${soql.ident(root.object).text}`;
  if (root.where) text += ` WHERE ${root.where.text}`;
  if (root.orderBy) text += ` ORDER BY ${root.orderBy.text}`;
  if (root.limit !== undefined) text += ` LIMIT ${integer(root.limit, 'limit')}`;
  if (root.offset !== undefined) text += ` OFFSET ${integer(root.offset, 'offset')}`;
  // Made only of checked identifiers, integers and soql fragments.
  return { statement: validatedFragment(text), deferred };
}

function integer(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0)
    throw new TypeError(`A SOQL ${name} must be a non-negative integer, got ${value}`);
  return value;
}
