import { OperationError } from '@sfgql/objects/errors';
import {
  type ChildSelection,
  MAX_PARENT_DEPTH,
  MAX_SUBQUERIES,
  type SalesforceRecord,
  type Selection,
  type SoqlFragment,
} from '@sfgql/soql';
import {
  type FieldNode,
  type GraphQLField,
  GraphQLIncludeDirective,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  isAbstractType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import {
  allOf,
  compileWhere,
  type Filter,
  isKeysetOrder,
  type OrderByInput,
  type OrderKey,
  orderByClause,
  orderKeys,
} from './filters.ts';
import { type ChildrenDef, type ObjectConfig, type ParentDef, registered } from './registry.ts';

/**
 * What a query asks of one record, read from its GraphQL selection set before anything is fetched:
 * the fields, the parents (one node per possible type) and the children (per response key, each
 * with its own arguments). Whether each relation was folded into the statement or left to a batch
 * loader is decided when the node is turned into a statement (see {@link toSelection}).
 */
export interface PlanNode {
  config: ObjectConfig;
  /** API names of the fields to select; always includes Id. */
  fields: Set<string>;
  /** By GraphQL field name: parents take no arguments, so every alias shares one. */
  parents: Map<string, ParentPlan>;
  /** By response key: each alias of a child list has its own arguments. */
  children: Map<string, ChildPlan>;
}

export interface ParentPlan {
  def: ParentDef;
  /** One node per type the lookup may point to, by GraphQL type name. */
  nodes: Map<string, PlanNode>;
  /** How the statement reads it: a path, a TYPEOF clause, or not at all (a batch loader will). */
  mode?: 'path' | 'typeof' | 'deferred';
}

/** The arguments of a list (root or child connection). */
export interface ListArgs {
  /** The page size: `first`, or `last` when paging backward. */
  first: number;
  /** The cursor to continue from in the direction of travel: `after`, or `before` when backward. */
  after: string | null;
  /** `last` / `before`: the page ends at the cursor (or the list's end) and is read in reverse. */
  backward: boolean;
  where: SoqlFragment | null;
  /** The list's order (cursors are made of these keys' values). */
  keys: OrderKey[];
  /** The order the rows are fetched in: `keys`, or `keys` reversed when paging backward. */
  fetchKeys: OrderKey[];
  orderBy: SoqlFragment;
}

export interface ChildPlan {
  def: ChildrenDef;
  args: ListArgs;
  node: PlanNode;
  /** Folded into the parent's statement as a subquery (its records are in the parent record). */
  inline?: boolean;
}

/** What resolvers receive for a record: the record as Salesforce returned it and what was asked of it. */
export interface RecordSource {
  record: SalesforceRecord;
  node: PlanNode;
}

/** Largest page a list returns (Salesforce's GraphQL API allows 2000; a subquery returns 200 inline). */
export const MAX_FIRST = 200;
export const DEFAULT_FIRST = 10;

export function newNode(config: ObjectConfig): PlanNode {
  return { config, fields: new Set(['Id']), parents: new Map(), children: new Map() };
}

interface WalkContext {
  info: GraphQLResolveInfo;
}

function isIncluded(ctx: WalkContext, node: FieldNode | { directives?: FieldNode['directives'] }): boolean {
  const variables = ctx.info.variableValues;
  const skip = getDirectiveValues(GraphQLSkipDirective, node as FieldNode, variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node as FieldNode, variables);
  return include?.if !== false;
}

/** Whether a fragment typed `condition` applies to an object of type `typeName`. */
function applies(ctx: WalkContext, condition: string | undefined, typeName: string): boolean {
  if (!condition || condition === typeName) return true;
  const type = ctx.info.schema.getType(condition);
  const object = ctx.info.schema.getType(typeName);
  if (!type || !object || !isAbstractType(type)) return false;
  return ctx.info.schema.isSubType(type, object as GraphQLObjectType);
}

/** Every field node a selection set selects on an object of `typeName`, fragments expanded. */
function fieldsOf(
  ctx: WalkContext,
  sets: readonly (SelectionSetNode | undefined)[],
  typeName: string,
): FieldNode[] {
  const out: FieldNode[] = [];
  const visit = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (!isIncluded(ctx, selection)) continue;
      if (selection.kind === Kind.FIELD) out.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(ctx, selection.typeCondition?.name.value, typeName)) visit(selection.selectionSet);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = ctx.info.fragments[selection.name.value];
        if (fragment && applies(ctx, fragment.typeCondition.name.value, typeName))
          visit(fragment.selectionSet);
      }
    }
  };
  for (const set of sets) visit(set);
  return out;
}

function fieldDefinition(ctx: WalkContext, typeName: string, name: string): GraphQLField<unknown, unknown> {
  const type = ctx.info.schema.getType(typeName) as GraphQLObjectType;
  const field = type.getFields()[name];
  if (!field) throw new Error(`${typeName} has no field ${name}`);
  return field;
}

/** Adds what a selection set asks of a record of `node.config` to the node. */
function collect(ctx: WalkContext, node: PlanNode, sets: readonly (SelectionSetNode | undefined)[]): void {
  const { config } = node;
  for (const field of fieldsOf(ctx, sets, config.typeName)) {
    const name = field.name.value;
    const def = config.fields.get(name);
    if (!def) continue;
    if (def.kind === 'scalar') {
      node.fields.add(def.field.apiName);
    } else if (def.kind === 'noteBody') {
      // The statement returns the URL of the body's bytes; the field's resolver fetches them.
      node.fields.add('Content');
    } else if (def.kind === 'parent') {
      // The lookup's Id comes along: it is what a batch loader needs if the parent is deferred.
      node.fields.add(def.foreignKey);
      let parent = node.parents.get(name);
      if (!parent) {
        parent = { def, nodes: new Map(def.targets.map((t) => [t.typeName, newNode(t)])) };
        node.parents.set(name, parent);
      }
      for (const target of parent.nodes.values()) collect(ctx, target, [field.selectionSet]);
    } else if (def.kind === 'children') {
      const key = field.alias?.value ?? name;
      let child = node.children.get(key);
      if (!child) {
        const args = getArgumentValues(
          fieldDefinition(ctx, config.typeName, name),
          field,
          ctx.info.variableValues,
        );
        child = {
          def,
          args: listArgs(def.child, args, childConditions(def.child)),
          node: newNode(def.child),
        };
        node.children.set(key, child);
      }
      collectConnection(ctx, child.node, child.args, [field.selectionSet]);
    }
  }
}

/** A connection's selection: `edges { cursor node }`, `nodes`, `totalCount`, `pageInfo`. */
function collectConnection(
  ctx: WalkContext,
  node: PlanNode,
  args: ListArgs,
  sets: readonly (SelectionSetNode | undefined)[],
): void {
  // Cursors are made of the order keys, so they are always selected.
  for (const key of args.keys) node.fields.add(key.field.apiName);
  const connectionType = `${node.config.typeName}Connection`;
  for (const field of fieldsOf(ctx, sets, connectionType)) {
    const name = field.name.value;
    if (name === 'nodes') collect(ctx, node, [field.selectionSet]);
    else if (name === 'edges') {
      for (const edgeField of fieldsOf(ctx, [field.selectionSet], `${node.config.typeName}Edge`)) {
        if (edgeField.name.value === 'node') collect(ctx, node, [edgeField.selectionSet]);
      }
    }
  }
}

/**
 * What every list of an object's records under a parent adds: the object's base filter (the
 * cases of a contact are cases; the members of a group that is not a queue are no queue's).
 */
export function childConditions(config: ObjectConfig): SoqlFragment[] {
  return config.spec.read?.base ? [config.spec.read.base] : [];
}

/** Checks and compiles a list's arguments (no call to Salesforce happens for bad input). */
export function listArgs(
  config: ObjectConfig,
  args: Record<string, unknown>,
  extras: readonly SoqlFragment[] = [],
): ListArgs {
  const last = (args.last as number | null | undefined) ?? null;
  const before = (args.before as string | null | undefined) ?? null;
  const backward = last !== null || before !== null;
  if (backward && ((args.first ?? null) !== null || (args.after ?? null) !== null))
    throw new OperationError(
      'INVALID_INPUT',
      'page forward (first, after) or backward (last, before), not both at once',
    );
  const name = backward ? 'last' : 'first';
  const first = (backward ? last : (args.first as number | null | undefined)) ?? DEFAULT_FIRST;
  if (!Number.isInteger(first) || first < 0 || first > MAX_FIRST) {
    throw new OperationError('INVALID_INPUT', `${name} must be from 0 to ${MAX_FIRST}, got ${first}`);
  }
  const keys = orderKeys(config, args.orderBy as OrderByInput[] | null | undefined);
  // Backward pages read the list in reverse from the cursor: that needs keys that compare.
  if (backward && !isKeysetOrder(keys))
    throw new OperationError(
      'INVALID_INPUT',
      'last and before need a list ordered by fields that compare (not by a picklist or a checkbox)',
    );
  const fetchKeys = backward
    ? keys.map((k) => ({ ...k, descending: !k.descending, nullsFirst: !k.nullsFirst }))
    : keys;
  return {
    first,
    after: backward ? before : ((args.after as string | null | undefined) ?? null),
    backward,
    where: allOf([...extras, compileWhere(config, args.where as Filter | null | undefined)]),
    keys,
    fetchKeys,
    orderBy: orderByClause(fetchKeys),
  };
}

/** The plan of a field returning one record (or a list of records) of `config`. */
export function planRecord(info: GraphQLResolveInfo, config: ObjectConfig): PlanNode {
  const node = newNode(config);
  collect(
    { info },
    node,
    info.fieldNodes.map((f) => f.selectionSet),
  );
  return node;
}

/** The plan of a field returning a connection of `config`. */
export function planConnection(info: GraphQLResolveInfo, config: ObjectConfig, args: ListArgs): PlanNode {
  const node = newNode(config);
  collectConnection(
    { info },
    node,
    args,
    info.fieldNodes.map((f) => f.selectionSet),
  );
  return node;
}

/** The plan of an abstract field (a search result) for each of its possible types. */
export function planAbstract(
  info: GraphQLResolveInfo,
  configs: readonly ObjectConfig[],
): Map<string, PlanNode> {
  const ctx = { info };
  return new Map(
    configs.map((config) => {
      const node = newNode(config);
      collect(
        ctx,
        node,
        info.fieldNodes.map((f) => f.selectionSet),
      );
      return [config.typeName, node];
    }),
  );
}

/** Where a node lands in a statement, and what that statement has room for. */
export interface Placement {
  /** Parent relationships between the statement level's object and this node. */
  parentDepth: number;
  /** Parent-to-child level of the statement level this node is on (the queried object is 1). */
  childLevel: number;
  /** Inside a TYPEOF branch or a SOSL RETURNING list: plain fields only. */
  flat: boolean;
  /** Shared by the whole statement. */
  budget: { subqueries: number; childLevels: number };
}

export const rootPlacement = (childLevels: number, childLevel = 1): Placement => ({
  parentDepth: 0,
  childLevel,
  flat: false,
  budget: { subqueries: 0, childLevels },
});

/**
 * Turns a node into the planner's selection for where it lands, deciding for each relation whether
 * the statement reads it (a path, a TYPEOF clause, a subquery) or a batch loader will, within
 * Salesforce's limits: five relationships in a path, twenty subqueries, and the parent-to-child
 * levels the API version allows. The decisions are recorded on the node for its resolvers.
 */
export function toSelection(node: PlanNode, at: Placement): Selection {
  const fields = new Set(node.fields);
  const parents: Record<string, Selection> = {};
  const typeOf: Record<string, Record<string, readonly string[]>> = {};
  const children: Record<string, ChildSelection> = {};
  for (const parent of node.parents.values()) {
    const { def } = parent;
    if (at.flat || at.parentDepth + 1 > MAX_PARENT_DEPTH) {
      parent.mode = 'deferred';
      fields.add(def.foreignKey);
      continue;
    }
    if (def.targets.length === 1) {
      parent.mode = 'path';
      parents[def.relationship] = toSelection(registered(parent.nodes, def.targets[0].typeName), {
        ...at,
        parentDepth: at.parentDepth + 1,
      });
    } else {
      // TYPEOF reads each type's own fields; its relations are loaded afterwards.
      parent.mode = 'typeof';
      typeOf[def.relationship] = Object.fromEntries(
        [...parent.nodes.values()].map((n) => [
          n.config.spec.apiName,
          toSelection(n, { ...at, flat: true }).fields,
        ]),
      );
    }
  }
  const inlined = new Set<string>();
  for (const child of node.children.values()) {
    const { def, args } = child;
    child.inline =
      !at.flat &&
      at.parentDepth === 0 &&
      at.childLevel < at.budget.childLevels &&
      at.budget.subqueries < MAX_SUBQUERIES &&
      args.after === null &&
      !inlined.has(def.relationship);
    if (!child.inline) continue;
    inlined.add(def.relationship);
    at.budget.subqueries++;
    children[def.relationship] = {
      ...toSelection(child.node, { ...at, childLevel: at.childLevel + 1 }),
      ...(args.where ? { where: args.where } : {}),
      orderBy: args.orderBy,
      // One more than asked tells whether there is a next page.
      limit: args.first + 1,
    };
  }
  return {
    fields: [...fields],
    ...(Object.keys(parents).length ? { parents } : {}),
    ...(Object.keys(typeOf).length ? { typeOf } : {}),
    ...(Object.keys(children).length ? { children } : {}),
  };
}

/** A record's Id (every record the graph reads has one: the planner always selects it). */
export function recordId(record: SalesforceRecord): string {
  const id = record.Id;
  if (typeof id !== 'string')
    throw new TypeError(`A ${record.attributes?.type ?? 'record'} came without its Id`);
  return id;
}

/**
 * A field's value as Salesforce sent it, a JSON scalar, or null when it has none. The field's
 * GraphQL scalar then serializes it (and refuses a value that does not fit, as for any resolver).
 */
export function scalarValue(record: SalesforceRecord, apiName: string): string | number | boolean | null {
  const value = record[apiName];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new TypeError(`${apiName} holds a ${typeof value}, not a single value`);
}

/** A source for the record's resolvers. */
export const sourceOf = (record: SalesforceRecord, node: PlanNode): RecordSource => ({ record, node });
