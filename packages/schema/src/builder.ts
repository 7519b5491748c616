import SchemaBuilder from '@pothos/core';
import type { OperationContext } from '@sfgql/objects/operation';

/** What every resolver gets: the caller's Salesforce client (one per request). */
export type GraphQLContext = OperationContext;

export const createBuilder = () =>
  new SchemaBuilder<{
    Context: GraphQLContext;
  }>({});

export type Builder = ReturnType<typeof createBuilder>;
