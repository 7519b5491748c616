import { operations as catalog } from '@sfgql/objects/catalog';
import { genericOperations } from '@sfgql/objects/custom';
import { isWriteOperation, type Operation, type WriteOperation } from '@sfgql/objects/operation';
import type { ObjectSpec } from '@sfgql/objects/spec';
import type { GraphQLSchema } from 'graphql';
import { defineAggregates } from './aggregates.ts';
import { createBuilder } from './builder.ts';
import { defineMutations } from './mutations.ts';
import { defineQueries } from './queries.ts';
import { createRegistry, STANDARD_OBJECTS } from './registry.ts';
import { defineTimelines } from './timeline.ts';
import { defineObjectTypes, defineSharedTypes } from './types.ts';

export interface SchemaOptions {
  /**
   * The standard specs extended with an org's custom fields (from `loadOrgSpecs`); the fields show
   * under their API names (`Loyalty_Tier__c`), in filters, sorting and write inputs too.
   */
  specs?: readonly ObjectSpec[];
  /** Specs of custom objects (`Shipment__c`), from `loadOrgSpecs`. */
  customObjects?: readonly ObjectSpec[];
}

/** Generic writes whose catalogue version does more than the generic one (keep those). */
const SPECIAL = new Set(['updateEvent']);

/** The write operations: the catalogue's, rebuilt on extended specs so custom fields can be written. */
function writeOperations(options: SchemaOptions): WriteOperation[] {
  const byName = new Map<string, Operation>(catalog);
  const standard = new Set(STANDARD_OBJECTS.map((o) => o.spec));
  for (const spec of [...(options.specs ?? []), ...(options.customObjects ?? [])]) {
    if (standard.has(spec)) continue;
    for (const op of genericOperations(spec)) {
      const custom = !STANDARD_OBJECTS.some((o) => o.spec.apiName === spec.apiName);
      if (custom || (byName.has(op.name) && !SPECIAL.has(op.name))) byName.set(op.name, op);
    }
  }
  return [...byName.values()].filter(isWriteOperation);
}

/**
 * Builds the GraphQL schema over the CRM objects: a type per object with its relations both ways,
 * Relay connections with `where` / `orderBy` / `search`, global search, and a mutation per write
 * operation behind confirmation. Pass an org's extended specs to include its custom fields.
 */
export function createSchema(options: SchemaOptions = {}): GraphQLSchema {
  const builder = createBuilder();
  const registry = createRegistry(options);
  const shared = defineSharedTypes(builder);
  const refs = defineObjectTypes(builder, registry, shared);
  defineQueries(builder, registry, refs);
  defineAggregates(builder, registry, refs);
  defineTimelines(builder, registry, refs);
  defineMutations(builder, registry, refs, writeOperations(options));
  return builder.toSchema({ sortSchema: true });
}
