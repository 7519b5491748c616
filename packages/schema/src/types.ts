import { noteBodyFromContent } from '@sfgql/objects/note';
import type { Scope } from '@sfgql/objects/read';
import type { FieldSpec } from '@sfgql/objects/spec';
import { type SalesforceRecord, soql } from '@sfgql/soql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Builder, GraphQLContext } from './builder.ts';
import { FIELD_KINDS, isFilterable, OPERATOR_DOCS, OPERATOR_INPUTS, operatorInputOf } from './kinds.ts';
import { type ConnectionSource, connectionOf, edgesOf, fetchPage, rootSelectionOf } from './lists.ts';
import type { LinkedRecord } from './loaders.ts';
import { childConditions, listArgs, planConnection, type RecordSource, sourceOf } from './plan.ts';
import { type ChildrenDef, type ObjectConfig, type Registry, scalarsOf } from './registry.ts';

// Pothos types its refs from static definitions; the graph is generated from specs at run time,
// so refs are kept loosely typed here and the shapes are checked by the tests instead.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Ref = any;

export interface TypeRefs {
  /** Relay's `Node`: every object type implements it (a Salesforce Id is unique across objects). */
  node: Ref;
  objects: Map<string, Ref>;
  abstracts: Map<string, Ref>;
  connections: Map<string, Ref>;
  filters: Map<string, Ref>;
  orderBys: Map<string, Ref>;
  /** The enum of each choice scope, by `Type.scope` (`KnowledgeArticle.language`). */
  scopeChoices: Map<string, Ref>;
}

/** A root field's argument for one of its object's scopes (`includeInactive`, `language`), with its default. */
export function scopeArg(t: Ref, refs: TypeRefs, config: ObjectConfig, scope: Scope): Ref {
  return scope.kind === 'flag'
    ? t.arg.boolean({ defaultValue: false, description: scope.description })
    : t.arg({
        type: refs.scopeChoices.get(`${config.typeName}.${scope.name}`),
        defaultValue: scope.default,
        description: scope.description,
      });
}

/** Shared types: PageInfo, ordering enums, the operator inputs and JSON. */
export function defineSharedTypes(builder: Builder) {
  builder.scalarType('JSON', {
    description: 'Any JSON value (a field value before or after a change).',
    serialize: (v) => v,
    parseValue: (v) => v,
  });
  const PageInfo = builder.objectRef<ConnectionSource>('PageInfo').implement({
    description: 'Where a page sits in its list (Relay).',
    fields: (t) => ({
      hasNextPage: t.boolean({ resolve: (c) => c.hasNextPage }),
      hasPreviousPage: t.boolean({ resolve: (c) => c.hasPreviousPage }),
      startCursor: t.string({ nullable: true, resolve: (c) => edgesOf(c)[0]?.cursor ?? null }),
      endCursor: t.string({ nullable: true, resolve: (c) => edgesOf(c).at(-1)?.cursor ?? null }),
    }),
  });
  const OrderDirection = builder.enumType('OrderDirection', { values: ['ASC', 'DESC'] as const });
  const NullsOrder = builder.enumType('NullsOrder', {
    description: 'Where records without a value go (by default first ascending, last descending).',
    values: ['FIRST', 'LAST'] as const,
  });
  const operators = new Map<string, Ref>();
  for (const [name, { scalar, description, operators: ops }] of Object.entries(OPERATOR_INPUTS)) {
    operators.set(
      name,
      builder.inputType(name, {
        description,
        fields: (t) =>
          Object.fromEntries(
            ops.map((op) => [
              op,
              op === 'in' || op === 'nin'
                ? t.field({ type: [scalar], required: false, description: OPERATOR_DOCS[op] })
                : op === 'isNull'
                  ? t.boolean({ description: OPERATOR_DOCS[op] })
                  : t.field({ type: op === 'like' ? 'String' : scalar, description: OPERATOR_DOCS[op] }),
            ]),
          ),
      }),
    );
  }
  const LinkedRecordRef = builder.objectRef<LinkedRecord>('LinkedRecord').implement({
    description: 'A record a note is attached to.',
    fields: (t) => ({
      id: t.exposeID('id'),
      type: t.exposeString('type', {
        nullable: true,
        description: 'The object, from the Id (Account, Case, User, ...).',
      }),
    }),
  });
  return { PageInfo, OrderDirection, NullsOrder, operators, LinkedRecord: LinkedRecordRef };
}

export type SharedTypes = ReturnType<typeof defineSharedTypes>;

/** The arguments every list takes: Relay's `first` / `after`, and `where` / `orderBy` from the spec. */
export function listArgsFor(t: Ref, refs: TypeRefs, config: ObjectConfig) {
  return {
    first: t.arg.int({ description: 'How many records (0-200, default 10).' }),
    after: t.arg.string({ description: 'The cursor of the record to continue after.' }),
    last: t.arg.int({
      description: 'How many records at the end (0-200), or just before `before`; not with first or after.',
    }),
    before: t.arg.string({ description: 'The cursor of the record to end just before (paging backward).' }),
    where: t.arg({ type: refs.filters.get(config.typeName), description: 'Which records.' }),
    orderBy: t.arg({
      type: [refs.orderBys.get(config.typeName)],
      required: { list: false, items: true },
      description: 'Sort keys in order; Id breaks ties.',
    }),
  };
}

/** Registers every object's types, inputs and relations. */
export function defineObjectTypes(builder: Builder, registry: Registry, shared: SharedTypes): TypeRefs {
  const refs: TypeRefs = {
    node: builder.interfaceRef<RecordSource>('Node').implement({
      description:
        'A record with an Id (Relay): `node(id:)` reads any record by its Id, whose key prefix says its object.',
      fields: (t) => ({ id: t.id({ resolve: (s) => s.record.Id as string }) }),
      resolveType: (s) => s.node.config.typeName,
    }),
    objects: new Map(),
    abstracts: new Map(),
    connections: new Map(),
    filters: new Map(),
    orderBys: new Map(),
    scopeChoices: new Map(),
  };
  for (const config of registry.objects) {
    for (const scope of config.spec.read?.scopes ?? [])
      if (scope.kind === 'choice')
        refs.scopeChoices.set(
          `${config.typeName}.${scope.name}`,
          builder.enumType(`${config.typeName}${scope.name.charAt(0).toUpperCase()}${scope.name.slice(1)}`, {
            description: scope.description,
            values: Object.fromEntries(scope.values.map((v) => [v, { value: v }])),
          }),
        );
    refs.objects.set(config.typeName, builder.objectRef<RecordSource>(config.typeName));
    refs.filters.set(config.typeName, builder.inputRef<Record<string, unknown>>(`${config.typeName}Filter`));
  }
  for (const [name, { kind, members }] of registry.abstractTypes) {
    if (kind === 'interface') {
      refs.abstracts.set(
        name,
        builder.interfaceRef<RecordSource>(name).implement({
          description: `What can own a record: ${members.map((m) => m.typeName).join(' or ')}.`,
          fields: (t) => ({
            id: t.id({ resolve: (s) => s.record.Id as string }),
            name: t.string({ nullable: true, resolve: (s) => (s.record.Name as string | null) ?? null }),
          }),
          resolveType: (s) => s.node.config.typeName,
        }),
      );
    } else {
      refs.abstracts.set(
        name,
        builder.unionType(name, {
          description: `A record of one of several objects: ${members.map((m) => m.typeName).join(', ')}.`,
          types: members.map((m) => refs.objects.get(m.typeName)),
          resolveType: (s: RecordSource) => s.node.config.typeName,
        }),
      );
    }
  }

  for (const config of registry.objects) defineObjectType(builder, registry, refs, shared, config);
  return refs;
}

function defineObjectType(
  builder: Builder,
  registry: Registry,
  refs: TypeRefs,
  shared: SharedTypes,
  config: ObjectConfig,
) {
  const ref = refs.objects.get(config.typeName);
  const interfaces = [
    refs.node,
    ...[...registry.abstractTypes]
      .filter(([, a]) => a.kind === 'interface' && a.members.includes(config))
      .map(([name]) => refs.abstracts.get(name)),
  ];

  ref.implement({
    description: config.spec.description,
    interfaces,
    fields: (t: Ref) => {
      const fields: Record<string, Ref> = {};
      for (const [name, def] of config.fields) {
        if (def.kind === 'scalar') {
          const { field } = def;
          fields[name] = t.field({
            type: FIELD_KINDS[field.kind].scalar,
            nullable: field.apiName !== 'Id',
            description: describeField(field),
            resolve: (s: RecordSource) => s.record[field.apiName] ?? null,
          });
        } else if (def.kind === 'parent') {
          fields[name] = t.field({
            type: def.abstractType
              ? refs.abstracts.get(def.abstractType)
              : refs.objects.get((def.targets[0] as ObjectConfig).typeName),
            nullable: true,
            description: `The ${def.targets.map((c) => c.spec.label.toLowerCase()).join(' or ')} (${def.foreignKey}).`,
            resolve: (s: RecordSource, _args: unknown, ctx: GraphQLContext, info: GraphQLResolveInfo) =>
              resolveParent(registry, s, ctx, info.fieldName),
          });
        } else if (def.kind === 'children') {
          fields[name] = t.field({
            type: refs.connections.get(def.child.typeName) ?? connectionRef(builder, refs, shared, def.child),
            description: `The ${def.child.spec.labelPlural.toLowerCase()} (${def.relationship}).`,
            args: listArgsFor(t, refs, def.child),
            resolve: (
              s: RecordSource,
              args: Record<string, unknown>,
              ctx: GraphQLContext,
              info: GraphQLResolveInfo,
            ) => resolveChildren(s, args, ctx, info, def),
          });
        } else if (def.kind === 'noteBody') {
          fields[name] = t.string({
            nullable: true,
            description:
              'The text of the note. Salesforce answers a query with the URL of each body, so this costs one more call per note.',
            resolve: (s: RecordSource, _args: unknown, ctx: GraphQLContext) =>
              noteBodyFromContent(ctx, s.record.Content),
          });
        } else {
          fields[name] = t.field({
            type: [shared.LinkedRecord],
            description: 'The records the note is attached to (ContentDocumentLink).',
            resolve: (s: RecordSource, _args: unknown, ctx: GraphQLContext) =>
              ctx.loaders.links().load(s.record.Id as string),
          });
        }
      }
      return fields;
    },
  });

  connectionRef(builder, refs, shared, config);
  defineFilter(refs, shared, config);
  const sortable = scalarsOf(config).filter(([, d]) => isFilterable(d.field));
  const OrderField = builder.enumType(`${config.typeName}OrderField`, {
    description: `Fields ${config.spec.labelPlural.toLowerCase()} can be sorted on.`,
    values: Object.fromEntries(sortable.map(([name]) => [name, { value: name }])),
  });
  refs.orderBys.set(
    config.typeName,
    builder.inputType(`${config.typeName}OrderBy`, {
      description: `A sort key for ${config.spec.labelPlural.toLowerCase()}.`,
      fields: (t) => ({
        field: t.field({ type: OrderField, required: true }),
        direction: t.field({ type: shared.OrderDirection, defaultValue: 'ASC' }),
        nulls: t.field({ type: shared.NullsOrder }),
      }),
    }),
  );
}

function describeField(field: FieldSpec): string {
  const values = field.values?.length ? ` Values: ${field.values.join(', ')}.` : '';
  return `${field.description}${values} (${field.apiName})`;
}

function connectionRef(builder: Builder, refs: TypeRefs, shared: SharedTypes, config: ObjectConfig): Ref {
  const existing = refs.connections.get(config.typeName);
  if (existing) return existing;
  const node = refs.objects.get(config.typeName);
  const Edge = builder.objectRef<ReturnType<typeof edgesOf>[number]>(`${config.typeName}Edge`).implement({
    fields: (t) => ({
      cursor: t.exposeString('cursor'),
      node: t.field({ type: node, resolve: (e) => e.node as never }),
    }),
  });
  const ref = builder.objectRef<ConnectionSource>(`${config.typeName}Connection`).implement({
    description: `A page of ${config.spec.labelPlural.toLowerCase()} (Relay connection).`,
    fields: (t) => ({
      edges: t.field({ type: [Edge], resolve: (c) => edgesOf(c) }),
      nodes: t.field({ type: [node], resolve: (c) => c.records }),
      pageInfo: t.field({ type: shared.PageInfo, resolve: (c) => c }),
      totalCount: t.int({
        description: 'How many records the list holds in all (counted only when asked).',
        resolve: (c) => c.count(),
      }),
    }),
  });
  refs.connections.set(config.typeName, ref);
  return ref;
}

function defineFilter(refs: TypeRefs, shared: SharedTypes, config: ObjectConfig) {
  const ref = refs.filters.get(config.typeName);
  ref.implement({
    description: `Which ${config.spec.labelPlural.toLowerCase()}: every condition given must hold.`,
    fields: (t: Ref) => {
      const fields: Record<string, Ref> = {
        and: t.field({ type: [ref], required: { list: false, items: true }, description: 'All of these.' }),
        or: t.field({ type: [ref], required: { list: false, items: true }, description: 'Any of these.' }),
        not: t.field({ type: ref, description: 'Not this.' }),
      };
      for (const [name, def] of config.fields) {
        const operators = def.kind === 'scalar' ? operatorInputOf(def.field) : null;
        if (def.kind === 'scalar' && operators) {
          fields[name] = t.field({
            type: shared.operators.get(operators),
            description: def.field.description,
          });
        } else if (def.kind === 'parent' && def.targets.length === 1) {
          fields[name] = t.field({
            type: refs.filters.get((def.targets[0] as ObjectConfig).typeName),
            description: `Conditions on the ${def.targets[0]?.spec.label.toLowerCase()}.`,
          });
        }
      }
      return fields;
    },
  });
}

async function resolveParent(
  registry: Registry,
  source: RecordSource,
  ctx: GraphQLContext,
  fieldName: string,
): Promise<RecordSource | null> {
  const plan = source.node.parents.get(fieldName);
  if (!plan) return null;
  const { def } = plan;
  if ((plan.mode === 'path' || plan.mode === 'typeof') && def.relationship in source.record) {
    const value = source.record[def.relationship] as SalesforceRecord | null;
    if (!value) return null;
    const config =
      def.targets.length === 1 ? def.targets[0] : registry.byApiName.get(value.attributes?.type ?? '');
    const node = config && plan.nodes.get(config.typeName);
    // A type outside the relation's types (a TYPEOF with no branch for it) reads as no parent.
    return node ? sourceOf(value, node) : null;
  }
  // Not in the statement: one batched query per level for every record that needs it.
  const id = source.record[def.foreignKey];
  if (typeof id !== 'string' || !id) return null;
  const config = def.targets.length === 1 ? def.targets[0] : registry.byKeyPrefix.get(id.slice(0, 3));
  const node = config && plan.nodes.get(config.typeName);
  if (!config || !node) return null;
  const record = await ctx.loaders
    .records(config.spec.apiName, rootSelectionOf(node, ctx.childLevels))
    .load(id);
  return record ? sourceOf(record, node) : null;
}

async function resolveChildren(
  source: RecordSource,
  rawArgs: Record<string, unknown>,
  ctx: GraphQLContext,
  info: GraphQLResolveInfo,
  def: ChildrenDef,
): Promise<ConnectionSource> {
  const key = String(info.path.key);
  const plan = source.node.children.get(key) ?? unplannedChildren(info, def, rawArgs);
  const parentId = source.record.Id as string;
  const { args, node } = plan;
  const count = () => ctx.loaders.counts(def.child.spec.apiName, def.foreignKey, args.where).load(parentId);
  if (plan.inline && def.relationship in source.record) {
    const result = source.record[def.relationship] as { records?: SalesforceRecord[] } | null;
    return connectionOf(result?.records ?? [], node, args, { offset: 0, count });
  }
  if (args.after === null) {
    const selection = {
      ...rootSelectionOf(node, ctx.childLevels, 2),
      ...(args.where ? { where: args.where } : {}),
      orderBy: args.orderBy,
      limit: args.first + 1,
    };
    const records = await ctx.loaders
      .children(source.node.config.spec.apiName, def.relationship, selection)
      .load(parentId);
    return connectionOf(records, node, args, { offset: 0, count });
  }
  // A later page of one parent's children: its own query.
  const page = await fetchPage(ctx, def.child, node, args, {
    extra: soql`${soql.ident(def.foreignKey)} = ${parentId}`,
  });
  return { ...page, count };
}

/** A child list the parent's plan did not see (it always should): planned from here, loaded alone. */
function unplannedChildren(info: GraphQLResolveInfo, def: ChildrenDef, rawArgs: Record<string, unknown>) {
  const args = listArgs(def.child, rawArgs, childConditions(def.child));
  return { def, args, node: planConnection(info, def.child, args), inline: false };
}
