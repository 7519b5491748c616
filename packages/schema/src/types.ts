import type {
  ArgBuilder,
  EnumRef,
  FieldMap,
  ImplementableInputObjectRef,
  ImplementableObjectRef,
  InputFieldMap,
  InputObjectRef,
  InterfaceRef,
  ObjectFieldBuilder,
  ObjectRef,
  UnionRef,
} from '@pothos/core';
import { noteBodyFromContent } from '@sfgql/objects/note';
import type { Scope } from '@sfgql/objects/read';
import type { FieldSpec } from '@sfgql/objects/spec';
import { type SalesforceRecord, soql } from '@sfgql/soql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Builder, GraphQLContext, Types } from './builder.ts';
import type { Filter, OrderByInput } from './filters.ts';
import { FIELD_KINDS, isFilterable, OPERATOR_DOCS, OPERATOR_INPUTS, operatorInputOf } from './kinds.ts';
import {
  type ConnectionSource,
  connectionOf,
  type Edge,
  edgesOf,
  fetchPage,
  rootSelectionOf,
} from './lists.ts';
import type { LinkedRecord } from './loaders.ts';
import {
  childConditions,
  listArgs,
  planConnection,
  type RecordSource,
  recordId,
  scalarValue,
  sourceOf,
} from './plan.ts';
import {
  type ChildrenDef,
  type FieldDef,
  type ObjectConfig,
  type Registry,
  registered,
  scalarsOf,
} from './registry.ts';

/** A type whose values are records: an object type, or the interface or union of a lookup to several. */
export type RecordRef =
  | ObjectRef<Types, RecordSource>
  | InterfaceRef<Types, RecordSource>
  | UnionRef<Types, RecordSource>;

/** The types and inputs of one object. */
export interface ObjectRefs {
  /** The record type (`Contact`). */
  object: ImplementableObjectRef<Types, RecordSource>;
  /** Its Relay connection (`ContactConnection`). */
  connection: ImplementableObjectRef<Types, ConnectionSource>;
  /** Its `where` input (`ContactFilter`): conditions on its fields and its parents'. */
  filter: ImplementableInputObjectRef<Types, Filter>;
  /** Its `orderBy` input (`ContactOrderBy`). */
  orderBy: InputObjectRef<Types, OrderByInput>;
  /** The enum of each choice scope, by the scope's name (`language` → `KnowledgeArticleLanguage`). */
  scopeChoices: Map<string, EnumRef<Types, string>>;
}

export interface TypeRefs {
  /** Relay's `Node`: every object type implements it (a Salesforce Id is unique across objects). */
  node: InterfaceRef<Types, RecordSource>;
  /** What a lookup to several objects returns, by name: an interface (`Owner`) or a union (`Who`). */
  abstracts: Map<string, RecordRef>;
  /** The types and inputs of an object of the registry. */
  of(config: ObjectConfig): ObjectRefs;
}

/** A root field's argument for one of its object's scopes (`includeInactive`, `language`), with its default. */
export function scopeArg(arg: ArgBuilder<Types>, refs: TypeRefs, config: ObjectConfig, scope: Scope) {
  return scope.kind === 'flag'
    ? arg.boolean({ defaultValue: false, description: scope.description })
    : arg({
        type: registered(refs.of(config).scopeChoices, scope.name),
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
  const operators = new Map(
    Object.entries(OPERATOR_INPUTS).map(([name, { scalar, description, operators: ops }]) => [
      name,
      builder.inputType(name, {
        description,
        fields: (t) => {
          const fields: InputFieldMap = {};
          for (const op of ops) {
            const about = { description: OPERATOR_DOCS[op] };
            fields[op] =
              op === 'in' || op === 'nin'
                ? t.field({ type: [scalar], required: false, ...about })
                : op === 'isNull'
                  ? t.boolean(about)
                  : t.field({ type: op === 'like' ? 'String' : scalar, ...about });
          }
          return fields;
        },
      }),
    ]),
  );
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
export function listArgsFor(arg: ArgBuilder<Types>, refs: TypeRefs, config: ObjectConfig) {
  const own = refs.of(config);
  return {
    first: arg.int({ description: 'How many records (0-200, default 10).' }),
    after: arg.string({ description: 'The cursor of the record to continue after.' }),
    last: arg.int({
      description: 'How many records at the end (0-200), or just before `before`; not with first or after.',
    }),
    before: arg.string({ description: 'The cursor of the record to end just before (paging backward).' }),
    where: arg({ type: own.filter, description: 'Which records.' }),
    orderBy: arg({
      type: [own.orderBy],
      required: { list: false, items: true },
      description: 'Sort keys in order; Id breaks ties.',
    }),
  };
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Registers every object's types, inputs and relations. */
export function defineObjectTypes(builder: Builder, registry: Registry, shared: SharedTypes): TypeRefs {
  const byType = new Map<string, ObjectRefs>();
  const refs: TypeRefs = {
    node: builder.interfaceRef<RecordSource>('Node').implement({
      description:
        'A record with an Id (Relay): `node(id:)` reads any record by its Id, whose key prefix says its object.',
      fields: (t) => ({ id: t.id({ resolve: (s) => recordId(s.record) }) }),
      resolveType: (s) => s.node.config.typeName,
    }),
    abstracts: new Map(),
    of: (config) => registered(byType, config.typeName),
  };
  // Every ref first: the fields of one type name the types of others, in any order.
  for (const config of registry.objects) byType.set(config.typeName, objectRefs(builder, shared, config));

  const interfaces = new Map<string, InterfaceRef<Types, RecordSource>>();
  for (const [name, { kind, members }] of registry.abstractTypes) {
    if (kind === 'interface') {
      const ref = builder.interfaceRef<RecordSource>(name).implement({
        description: `What can own a record: ${members.map((m) => m.typeName).join(' or ')}.`,
        fields: (t) => ({
          id: t.id({ resolve: (s) => recordId(s.record) }),
          name: t.string({
            nullable: true,
            resolve: (s) => {
              const name = scalarValue(s.record, 'Name');
              return name === null ? null : String(name);
            },
          }),
        }),
        resolveType: (s) => s.node.config.typeName,
      });
      interfaces.set(name, ref);
      refs.abstracts.set(name, ref);
    } else {
      refs.abstracts.set(
        name,
        builder.unionType(name, {
          description: `A record of one of several objects: ${members.map((m) => m.typeName).join(', ')}.`,
          types: members.map((m) => refs.of(m).object),
          resolveType: (s) => s.node.config.typeName,
        }),
      );
    }
  }

  for (const config of registry.objects) {
    const own = refs.of(config);
    own.object.implement({
      description: config.spec.description,
      interfaces: [
        refs.node,
        ...[...registry.abstractTypes]
          .filter(([, a]) => a.kind === 'interface' && a.members.includes(config))
          .map(([name]) => registered(interfaces, name)),
      ],
      fields: (t) => {
        const fields: FieldMap = {};
        for (const [name, def] of config.fields) fields[name] = recordField(t, registry, refs, shared, def);
        return fields;
      },
    });
    defineConnection(builder, refs, shared, config);
    defineFilter(refs, shared, config);
  }
  return refs;
}

/** The refs of an object, created before any is implemented; the scope enums and orderBy are complete. */
function objectRefs(builder: Builder, shared: SharedTypes, config: ObjectConfig): ObjectRefs {
  const { typeName, spec } = config;
  const plural = spec.labelPlural.toLowerCase();
  const scopeChoices = new Map<string, EnumRef<Types, string>>();
  for (const scope of spec.read?.scopes ?? [])
    if (scope.kind === 'choice')
      scopeChoices.set(
        scope.name,
        builder.enumType(`${typeName}${upperFirst(scope.name)}`, {
          description: scope.description,
          values: Object.fromEntries(scope.values.map((v) => [v, { value: v }])),
        }),
      );
  const sortable = scalarsOf(config).filter(([, d]) => isFilterable(d.field));
  const OrderField = builder.enumType(`${typeName}OrderField`, {
    description: `Fields ${plural} can be sorted on.`,
    values: Object.fromEntries(sortable.map(([name]) => [name, { value: name }])),
  });
  const orderBy = builder.inputType(`${typeName}OrderBy`, {
    description: `A sort key for ${plural}.`,
    fields: (t) => ({
      field: t.field({ type: OrderField, required: true }),
      direction: t.field({ type: shared.OrderDirection, defaultValue: 'ASC' }),
      nulls: t.field({ type: shared.NullsOrder }),
    }),
  });
  return {
    object: builder.objectRef<RecordSource>(typeName),
    connection: builder.objectRef<ConnectionSource>(`${typeName}Connection`),
    filter: builder.inputRef<Filter>(`${typeName}Filter`),
    orderBy,
    scopeChoices,
  };
}

/** One field of a record type: a value, a parent, a child list, or a note's body or links. */
function recordField(
  t: ObjectFieldBuilder<Types, RecordSource>,
  registry: Registry,
  refs: TypeRefs,
  shared: SharedTypes,
  def: FieldDef,
) {
  switch (def.kind) {
    case 'scalar': {
      const { field } = def;
      const type = FIELD_KINDS[field.kind].scalar;
      const description = describeField(field);
      return field.apiName === 'Id'
        ? t.field({ type, description, resolve: (s) => recordId(s.record) })
        : t.field({
            type,
            nullable: true,
            description,
            resolve: (s) => scalarValue(s.record, field.apiName),
          });
    }
    case 'parent':
      return t.field({
        type: def.abstractType
          ? registered(refs.abstracts, def.abstractType)
          : refs.of(def.targets[0]).object,
        nullable: true,
        description: `The ${def.targets.map((c) => c.spec.label.toLowerCase()).join(' or ')} (${def.foreignKey}).`,
        resolve: (s, _args, ctx, info) => resolveParent(registry, s, ctx, info.fieldName),
      });
    case 'children':
      return t.field({
        type: refs.of(def.child).connection,
        description: `The ${def.child.spec.labelPlural.toLowerCase()} (${def.relationship}).`,
        args: listArgsFor(t.arg, refs, def.child),
        resolve: (s, args, ctx, info) => resolveChildren(s, args, ctx, info, def),
      });
    case 'noteBody':
      return t.string({
        nullable: true,
        description:
          'The text of the note. Salesforce answers a query with the URL of each body, so this costs one more call per note.',
        resolve: (s, _args, ctx) => noteBodyFromContent(ctx, s.record.Content),
      });
    case 'links':
      return t.field({
        type: [shared.LinkedRecord],
        description: 'The records the note is attached to (ContentDocumentLink).',
        resolve: (s, _args, ctx) => ctx.loaders.links().load(recordId(s.record)),
      });
    default:
      return def satisfies never;
  }
}

function describeField(field: FieldSpec): string {
  const values = field.values?.length ? ` Values: ${field.values.join(', ')}.` : '';
  return `${field.description}${values} (${field.apiName})`;
}

function defineConnection(builder: Builder, refs: TypeRefs, shared: SharedTypes, config: ObjectConfig) {
  const { object, connection } = refs.of(config);
  const Edge = builder.objectRef<Edge>(`${config.typeName}Edge`).implement({
    fields: (t) => ({
      cursor: t.exposeString('cursor'),
      node: t.field({ type: object, resolve: (e) => e.node }),
    }),
  });
  connection.implement({
    description: `A page of ${config.spec.labelPlural.toLowerCase()} (Relay connection).`,
    fields: (t) => ({
      edges: t.field({ type: [Edge], resolve: (c) => edgesOf(c) }),
      nodes: t.field({ type: [object], resolve: (c) => c.records }),
      pageInfo: t.field({ type: shared.PageInfo, resolve: (c) => c }),
      totalCount: t.int({
        description: 'How many records the list holds in all (counted only when asked).',
        resolve: (c) => c.count(),
      }),
    }),
  });
}

function defineFilter(refs: TypeRefs, shared: SharedTypes, config: ObjectConfig) {
  const { filter } = refs.of(config);
  filter.implement({
    description: `Which ${config.spec.labelPlural.toLowerCase()}: every condition given must hold.`,
    fields: (t) => {
      const conditions: InputFieldMap = {};
      for (const [name, def] of config.fields) {
        const operators = def.kind === 'scalar' ? operatorInputOf(def.field) : null;
        if (def.kind === 'scalar' && operators) {
          conditions[name] = t.field({
            type: registered(shared.operators, operators),
            description: def.field.description,
          });
        } else if (def.kind === 'parent' && def.targets.length === 1) {
          conditions[name] = t.field({
            type: refs.of(def.targets[0]).filter,
            description: `Conditions on the ${def.targets[0].spec.label.toLowerCase()}.`,
          });
        }
      }
      return {
        and: t.field({
          type: [filter],
          required: { list: false, items: true },
          description: 'All of these.',
        }),
        or: t.field({ type: [filter], required: { list: false, items: true }, description: 'Any of these.' }),
        not: t.field({ type: filter, description: 'Not this.' }),
        ...conditions,
      };
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
  const parentId = recordId(source.record);
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
