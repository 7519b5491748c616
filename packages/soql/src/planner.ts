import { type SoqlFragment, soql, validatedFragment } from './soql.ts';

/** What a caller wants from one object: fields, parents by relationship name, children by relationship name. */
export interface Selection {
  fields: readonly string[];
  /** Lookups, keyed by relationship name (`Account` on Contact). */
  parents?: Readonly<Record<string, Selection>>;
  /** Child relationships, keyed by relationship name (`Cases` on Contact). */
  children?: Readonly<Record<string, ChildSelection>>;
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

export interface QueryPlan {
  statement: SoqlFragment;
  deferred: DeferredPart[];
}

/** Salesforce allows five levels of child-to-parent relationship in one query. */
export const MAX_PARENT_DEPTH = 5;
/** ...and at most 20 parent-to-child subqueries. */
export const MAX_SUBQUERIES = 20;

function parentFields(
  selection: Selection,
  prefix: string[],
  depth: number,
  path: string[],
  deferred: DeferredPart[],
): string[] {
  const fields = selection.fields.map((f) => [...prefix, f].join('.'));
  for (const [relationship, parent] of Object.entries(selection.parents ?? {})) {
    if (depth + 1 > MAX_PARENT_DEPTH) {
      deferred.push({ path, kind: 'parent', relationship, selection: parent });
      continue;
    }
    fields.push(
      ...parentFields(parent, [...prefix, relationship], depth + 1, [...path, relationship], deferred),
    );
  }
  // A parent's children cannot be nested in a query: they are loaded by parent Id afterwards.
  for (const [relationship, child] of Object.entries(selection.children ?? {})) {
    fields.push([...prefix, 'Id'].join('.'));
    deferred.push({ path, kind: 'children', relationship, selection: child });
  }
  return fields;
}

const unique = (fields: string[]) => {
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
 * paths (up to five levels), children into subqueries (one level, at most twenty), each with its
 * own filter, order and limit. Whatever Salesforce cannot nest (grandchildren, children of parents,
 * paths deeper than five, subqueries past twenty) is returned as deferred parts for batch loaders.
 */
export function planQuery(root: RootSelection): QueryPlan {
  const deferred: DeferredPart[] = [];
  const fields = ['Id', ...parentFields({ fields: root.fields, parents: root.parents }, [], 0, [], deferred)];
  const subqueries: string[] = [];
  for (const [relationship, child] of Object.entries(root.children ?? {})) {
    if (subqueries.length >= MAX_SUBQUERIES) {
      deferred.push({ path: [], kind: 'children', relationship, selection: child });
      continue;
    }
    const childPath = [relationship];
    const childFields = [
      'Id',
      ...parentFields(
        { fields: child.fields, parents: child.parents, children: child.children },
        [],
        0,
        childPath,
        deferred,
      ),
    ];
    let sub = `SELECT ${soql.fields(unique(childFields)).text} FROM ${soql.ident(relationship).text}`;
    if (child.where) sub += ` WHERE ${child.where.text}`;
    if (child.orderBy) sub += ` ORDER BY ${child.orderBy.text}`;
    if (child.limit !== undefined) sub += ` LIMIT ${integer(child.limit, 'limit')}`;
    subqueries.push(`(${sub})`);
  }
  let text = `SELECT ${[soql.fields(unique(fields)).text, ...subqueries].join(', ')} FROM ${soql.ident(root.object).text}`;
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
