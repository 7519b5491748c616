import type { FieldMap, InputFieldMap } from '@pothos/core';
import { apiLimits, describeObject, GLOBAL_SEARCH_OBJECTS } from '@sfgql/objects/lookup';
import { fullTextStatement, oneCondition, readConditions, scopesOf } from '@sfgql/objects/read';
import { termSearch } from '@sfgql/objects/search';
import { withArticle } from '@sfgql/objects/words';
import { hasSearchableWord, isSalesforceId, soql, sosl, toSalesforceId } from '@sfgql/soql';
import type { Builder } from './builder.ts';
import { fetchOne, fetchPage, fetchSearchPage, invalidInput } from './lists.ts';
import {
  listArgs,
  planAbstract,
  planConnection,
  planRecord,
  rootPlacement,
  sourceOf,
  toSelection,
} from './plan.ts';
import { type ObjectConfig, type Registry, registered } from './registry.ts';
import { listArgsFor, scopeArg, type TypeRefs } from './types.ts';

/**
 * An Id of the object (or of an object whose Ids name its records, a knowledge article's for its
 * versions), checked before any call: an Id of another object is refused.
 */
function idOf(config: ObjectConfig, value: string): string {
  const { keyPrefix, read } = config.spec;
  const prefixes = keyPrefix ? [keyPrefix, ...Object.keys(read?.idsOf ?? {})] : undefined;
  const id = value.trim();
  if (!isSalesforceId(id, prefixes))
    throw invalidInput(
      `id: ${JSON.stringify(value)} is not the Id of ${withArticle(config.spec.label.toLowerCase())}`,
    );
  return toSalesforceId(id) as string;
}

/** What `describe` answers: the catalog's description of an object. */
type ObjectDescriptionShape = Awaited<ReturnType<typeof describeObject.run>>;

/** `caseNumber` → `case number`. */
const words = (key: string) => key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);

export function defineQueries(builder: Builder, registry: Registry, refs: TypeRefs) {
  const searchable = GLOBAL_SEARCH_OBJECTS.map((s) => registry.byApiName.get(s.apiName)).filter(
    (c): c is ObjectConfig => c !== undefined,
  );
  const SearchableType = builder.enumType('SearchableType', {
    description: 'Objects the global search covers.',
    values: Object.fromEntries(searchable.map((c) => [c.typeName, { value: c.spec.apiName }])),
  });
  const SearchResult = builder.unionType('SearchResult', {
    description: 'A record found by the global search.',
    types: searchable.map((c) => refs.of(c).object),
    resolveType: (s) => s.node.config.typeName,
  });
  const FieldDescription = builder
    .objectRef<ObjectDescriptionShape['fields'][number]>('FieldDescription')
    .implement({
      fields: (t) => ({
        name: t.exposeString('name'),
        label: t.exposeString('label'),
        type: t.exposeString('type'),
        required: t.exposeBoolean('required', { description: 'Must be given on create.' }),
        updateable: t.exposeBoolean('updateable'),
        picklistValues: t.exposeStringList('picklistValues', { description: 'Active picklist values.' }),
      }),
    });
  const ObjectDescription = builder.objectRef<ObjectDescriptionShape>('ObjectDescription').implement({
    description: "An object's fields as the org describes them (custom fields included).",
    fields: (t) => ({
      name: t.exposeString('name'),
      label: t.exposeString('label'),
      fields: t.field({ type: [FieldDescription], resolve: (d) => d.fields }),
    }),
  });
  const ApiLimit = builder.objectRef<{ name: string; max: number; remaining: number }>('ApiLimit').implement({
    description: 'One of the org limits (DailyApiRequests, ...).',
    fields: (t) => ({
      name: t.exposeString('name'),
      max: t.exposeInt('max'),
      remaining: t.exposeInt('remaining'),
    }),
  });

  builder.queryType({
    fields: (t) => {
      const fields: FieldMap = {};
      for (const config of registry.objects) {
        const own = refs.of(config);
        const { spec } = config;
        const label = spec.label.toLowerCase();
        const keys = spec.read?.keys ?? [];
        const scopeArgs = (use: 'lists' | 'one'): InputFieldMap =>
          Object.fromEntries(
            scopesOf(spec, use).map((scope) => [scope.name, scopeArg(t.arg, refs, config, scope)]),
          );
        // The keys and scopes are the spec's: the arguments' shape is known at run time only.
        const oneArgs: InputFieldMap = {
          id: t.arg.id({ required: keys.length === 0 }),
          ...Object.fromEntries(
            keys.map((key) => [key, t.arg.string({ description: spec.fields[key]?.description })]),
          ),
          ...scopeArgs('one'),
        };
        fields[config.single] = t.field({
          type: own.object,
          nullable: true,
          description: keys.length
            ? `A ${label} by its Id or its ${keys.map(words).join(' or ')} (exact match); null when there is none.`
            : `A ${label} by its Id; null when there is none.`,
          args: oneArgs,
          resolve: (_root, args, ctx, info) => {
            const given = ['id', ...keys].filter((k) => args[k] !== undefined && args[k] !== null);
            if (given.length !== 1) throw invalidInput(`give one of ${['id', ...keys].join(', ')}`);
            const key = given[0] as string;
            const value = String(args[key]).trim();
            if (!value) throw invalidInput(`${key} must not be empty`);
            if (value.length > 80) throw invalidInput(`${key} is at most 80 characters`);
            const where = oneCondition(spec, key === 'id' ? { id: idOf(config, value) } : { key, value });
            return fetchOne(ctx, config, planRecord(info, config), [
              where,
              ...readConditions(spec, 'one', args),
            ]);
          },
        });
        const searchable = Object.values(spec.fields).some((f) => f.search);
        fields[config.plural] = t.field({
          type: own.connection,
          description: `${spec.labelPlural} (a Relay connection): filtered, sorted and paged.`,
          args: {
            ...listArgsFor(t.arg, refs, config),
            ...(searchable
              ? {
                  search: t.arg.string({
                    description: spec.read?.fullText
                      ? 'Words searched in full text (any of them, in any form: refund finds refunds), the most relevant first, in one page.'
                      : 'Words, an email, a phone number in any format or a number, matched against the search fields.',
                  }),
                }
              : {}),
            ...scopeArgs('lists'),
          },
          resolve: (_root, args, ctx, info) => {
            const term = typeof args.search === 'string' ? args.search.trim() : '';
            if (term.length > 200) throw invalidInput('search is at most 200 characters');
            if (term && spec.read?.fullText) {
              // Searched in full text as through every door: by relevance, one page.
              const ordered = (['after', 'last', 'before', 'orderBy', 'where'] as const).filter(
                (name) => args[name] !== undefined && args[name] !== null,
              );
              if (ordered.length)
                throw invalidInput(
                  `a search of ${spec.labelPlural.toLowerCase()} answers the most relevant first, in one page: ${ordered.join(', ')} cannot go with it`,
                );
              const list = listArgs(config, args);
              return fetchSearchPage(ctx, planConnection(info, config, list), list, (fields, limit) =>
                fullTextStatement(spec, { term, scopes: args, limit }, fields),
              );
            }
            const found = term ? termSearch(spec, term) : null;
            const conditions = readConditions(spec, 'lists', args);
            const list = listArgs(config, args, [...conditions, ...(found ? [found.condition] : [])]);
            const node = planConnection(info, config, list);
            // A phone search checks the digits of the fields it matched loosely, so they are read too.
            if (found?.verify)
              for (const field of Object.values(spec.fields))
                if (field.search) node.fields.add(field.apiName);
            return fetchPage(ctx, config, node, list, { verify: found?.verify ?? null });
          },
        });
      }

      fields.node = t.field({
        type: refs.node,
        nullable: true,
        description:
          "Any record by its Id (Relay's node field): the Id's key prefix says which object it is; null when there is none, or when the object is not in the graph.",
        args: { id: t.arg.id({ required: true }) },
        resolve: (_root, args, ctx, info) => {
          const id = args.id.trim();
          if (!isSalesforceId(id))
            throw invalidInput(`id: ${JSON.stringify(args.id)} is not a Salesforce Id`);
          const config = registry.byKeyPrefix.get(id.slice(0, 3));
          if (!config) return null;
          // The object's own rules apply: an Id of a public group is not a queue.
          return fetchOne(ctx, config, planRecord(info, config), [
            soql`Id = ${toSalesforceId(id) as string}`,
            ...readConditions(config.spec, 'one'),
          ]);
        },
      });

      fields.globalSearch = t.field({
        type: [SearchResult],
        description:
          'Search contacts, leads, accounts, opportunities and cases at once (Salesforce SOSL: every word, as a prefix).',
        args: {
          term: t.arg.string({ required: true, description: 'What to look for (2-200 characters).' }),
          types: t.arg({ type: [SearchableType], required: { list: false, items: true } }),
          first: t.arg.int({ description: 'How many records in all (1-200, default 20).' }),
        },
        resolve: async (_root, args, ctx, info) => {
          const term = args.term.trim();
          if (term.replace(/\s+/g, '').length < 2) throw invalidInput('term needs at least two characters');
          // SOSL ignores punctuation, symbols and emoji: a term of nothing else finds nothing.
          if (!hasSearchableWord(term))
            throw invalidInput('term needs a word of at least two letters or digits');
          if (term.length > 200) throw invalidInput('term is at most 200 characters');
          const first = args.first ?? 20;
          if (!Number.isInteger(first) || first < 1 || first > 200)
            throw invalidInput('first must be from 1 to 200');
          const configs = searchable.filter(
            (c) => !args.types?.length || args.types.includes(c.spec.apiName),
          );
          const nodes = planAbstract(info, configs);
          const statement = sosl.find(term, {
            in: 'ALL',
            prefix: true,
            limit: first,
            returning: configs.map((c) => ({
              object: c.spec.apiName,
              // SOSL returns plain fields; the records' relations are loaded in batches afterwards.
              fields: toSelection(registered(nodes, c.typeName), {
                ...rootPlacement(ctx.childLevels),
                flat: true,
              }).fields,
            })),
          });
          const found = await ctx.client.search(statement);
          return found.flatMap((record) => {
            const config = registry.byApiName.get(record.attributes?.type ?? '');
            const node = config && nodes.get(config.typeName);
            return node ? [sourceOf(record, node)] : [];
          });
        },
      });

      fields.describe = t.field({
        type: ObjectDescription,
        description: "An object's fields, types and picklist values as the org describes them.",
        args: { object: t.arg.string({ required: true, description: 'The object API name, e.g. Case.' }) },
        resolve: (_root, args, ctx) => describeObject.run(ctx, args),
      });

      fields.limits = t.field({
        type: [ApiLimit],
        description: "The org's API limits (daily API requests used and remaining, ...).",
        resolve: async (_root, _args, ctx) => {
          const limits = await apiLimits.run(ctx, {});
          return Object.entries(limits).map(([name, l]) => ({ name, max: l.Max, remaining: l.Remaining }));
        },
      });
      return fields;
    },
  });
}
