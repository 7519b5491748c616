import type { FieldMap } from '@pothos/core';
import {
  AGGREGATE_FUNCTIONS,
  type AggregateFunction,
  type AggregateGroup,
  COMPARISONS,
  type Comparison,
  DATE_GROUPINGS,
  type DateGrouping as DateGroupingValue,
  dateKeys,
  groupableKeys,
  MAX_GROUPS,
  planAggregate,
} from '@sfgql/objects/aggregate';
import type { Builder } from './builder.ts';
import { compileWhere, type Filter } from './filters.ts';
import type { Registry } from './registry.ts';
import { scopeArg, type TypeRefs } from './types.ts';

/** A group as the graph shows it: keys and measures as lists (their names are data, not fields). */
interface GroupSource {
  keys: { name: string; value: unknown }[];
  count: number;
  measures: { name: string; value: unknown }[];
}

/**
 * `<objects>Aggregate` on the root for every object with fields to group: the catalog's aggregate
 * request (`planAggregate`), with the object's own `where` input and scopes, in one Salesforce call.
 */
export function defineAggregates(builder: Builder, registry: Registry, refs: TypeRefs): void {
  const DateGrouping = builder.enumType('DateGrouping', {
    description: "A period of a date to group by (fiscal periods follow the org's fiscal year).",
    values: DATE_GROUPINGS,
  });
  const AggregateFunctionEnum = builder.enumType('AggregateFunction', {
    description: 'What to compute over each group, beside its count.',
    values: AGGREGATE_FUNCTIONS,
  });
  const ComparisonEnum = builder.enumType('Comparison', { values: COMPARISONS });
  const Entry = builder.objectRef<{ name: string; value: unknown }>('AggregateEntry').implement({
    description:
      'A grouping or a measure: its name (`status`, `CALENDAR_MONTH(closeDate)`, `sum(amount)`) and value.',
    fields: (t) => ({
      name: t.exposeString('name'),
      value: t.field({ type: 'JSON', nullable: true, resolve: (e) => e.value ?? null }),
    }),
  });
  const Group = builder.objectRef<GroupSource>('AggregateGroup').implement({
    description: 'One group of records: its keys, its count and its measures.',
    fields: (t) => ({
      keys: t.field({ type: [Entry], resolve: (g) => g.keys }),
      count: t.exposeInt('count', { description: 'The records in the group.' }),
      measures: t.field({ type: [Entry], resolve: (g) => g.measures }),
    }),
  });
  const Having = builder.inputType('AggregateHaving', {
    description: 'A condition on the groups: on `count`, or on a measure by its name (`sum(amount)`).',
    fields: (t) => ({
      measure: t.string({ required: true }),
      op: t.field({ type: ComparisonEnum, required: true }),
      value: t.float({ required: true }),
    }),
  });

  builder.queryFields((t) => {
    const fields: FieldMap = {};
    for (const config of registry.objects) {
      const groupable = groupableKeys(config.spec);
      if (groupable.length === 0) continue;
      const fieldName = (key: string) =>
        [...config.fields].find(([, def]) => def.kind === 'scalar' && def.key === key)?.[0] ?? key;
      const GroupField = builder.enumType(`${config.typeName}GroupField`, {
        description: `Fields ${config.spec.labelPlural.toLowerCase()} can be grouped by.`,
        values: Object.fromEntries(groupable.map((key) => [fieldName(key), { value: key }])),
      });
      const dates = dateKeys(config.spec);
      const DateGroupBy = dates.length
        ? builder.inputType(`${config.typeName}DateGroupBy`, {
            fields: (i) => ({
              field: i.field({
                type: builder.enumType(`${config.typeName}DateField`, {
                  values: Object.fromEntries(dates.map((key) => [fieldName(key), { value: key }])),
                }),
                required: true,
              }),
              by: i.field({ type: DateGrouping, required: true }),
            }),
          })
        : null;
      const Measure = builder.inputType(`${config.typeName}Measure`, {
        description: `A measure over ${config.spec.labelPlural.toLowerCase()}: a function of a field.`,
        fields: (i) => ({
          fn: i.field({ type: AggregateFunctionEnum, required: true }),
          field: i.string({ required: true, description: 'The field, e.g. amount.' }),
        }),
      });
      const plural = `${config.plural}Aggregate`;
      fields[plural] = t.field({
        type: [Group],
        description: `Counts and measures of ${config.spec.labelPlural.toLowerCase()} by group, in one Salesforce call.`,
        args: {
          where: t.arg({ type: refs.of(config).filter }),
          groupBy: t.arg({ type: [GroupField], required: { list: false, items: true } }),
          ...(DateGroupBy
            ? { byDate: t.arg({ type: [DateGroupBy], required: { list: false, items: true } }) }
            : {}),
          measures: t.arg({ type: [Measure], required: { list: false, items: true } }),
          having: t.arg({ type: [Having], required: { list: false, items: true } }),
          first: t.arg.int({ description: `The most groups (1-${MAX_GROUPS}, default 200).` }),
          ...Object.fromEntries(
            (config.spec.read?.scopes ?? [])
              .filter((s) => s.appliesTo === 'lists' || s.appliesTo === 'all')
              .map((scope) => [scope.name, scopeArg(t.arg, refs, config, scope)]),
          ),
        },
        resolve: async (_root, args, ctx) => {
          const where = compileWhere(config, (args.where ?? null) as Filter | null);
          const plan = planAggregate(
            config.spec,
            {
              groupBy: (args.groupBy as string[] | null | undefined) ?? [],
              byDate: (args.byDate ?? []) as { field: string; by: DateGroupingValue }[],
              measures: ((args.measures ?? []) as { fn: AggregateFunction; field: string }[]).map((m) => {
                const def = config.fields.get(m.field);
                return { fn: m.fn, field: def?.kind === 'scalar' ? def.key : m.field };
              }),
              having: (args.having ?? []) as { measure: string; op: Comparison; value: number }[],
              scopes: args,
              limit: (args.first as number | null | undefined) ?? 200,
            },
            where ? [where] : [],
          );
          const result = await ctx.client.query(plan.statement, { maxRecords: MAX_GROUPS });
          return plan.groups(result.records).map(asEntries);
        },
      });
    }
    return fields;
  });
}

function asEntries(group: AggregateGroup): GroupSource {
  return {
    keys: Object.entries(group.keys).map(([name, value]) => ({ name, value })),
    count: group.count,
    measures: Object.entries(group.measures).map(([name, value]) => ({ name, value })),
  };
}
