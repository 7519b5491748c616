import SchemaBuilder from '@pothos/core';
import type { Confirmation, Principal } from '@sfgql/confirm';
import type { OperationContext } from '@sfgql/objects/operation';
import { DEFAULT_API_VERSION } from '@sfgql/soql';
import { createLoaders, type Loaders } from './loaders.ts';

/** What every resolver gets: the caller's Salesforce client and this request's loaders. */
export interface GraphQLContext extends OperationContext {
  loaders: Loaders;
  /** Parent-to-child levels one statement may nest (5 from API 58.0 on, else 2). */
  childLevels: number;
  /** Who is asking, for confirmed writes; without it, mutations are refused. */
  principal?: Principal;
  /** The confirmation protocol; without it, mutations are refused. */
  confirmation?: Confirmation;
}

export interface ContextOptions extends OperationContext {
  principal?: Principal;
  confirmation?: Confirmation;
  /** The REST API version in use, e.g. `60.0`: from 58.0 on, subqueries nest up to five levels. */
  apiVersion?: string;
}

/** The parent-to-child levels a SOQL statement may hold in an API version. */
export function childLevelsFor(apiVersion = DEFAULT_API_VERSION): number {
  return Number.parseFloat(apiVersion) >= 58 ? 5 : 2;
}

/** Builds a request's GraphQL context; call once per request (the loaders cache per request). */
export function createContext(options: ContextOptions): GraphQLContext {
  const childLevels = childLevelsFor(options.apiVersion);
  return { ...options, childLevels, loaders: createLoaders(options.client, { childLevels }) };
}

/** The builder's settings, in Pothos's terms. */
export interface SchemaTypesInput {
  Context: GraphQLContext;
  // Fields are non-null unless they say otherwise: lists, connections and their parts always exist.
  DefaultFieldNullability: false;
  Scalars: {
    JSON: { Input: unknown; Output: unknown };
  };
}

/** The schema's types as Pothos sees them: every ref of the schema is typed with these. */
export type Types = PothosSchemaTypes.ExtendDefaultTypes<SchemaTypesInput>;

export const createBuilder = () => new SchemaBuilder<SchemaTypesInput>({ defaultFieldNullability: false });

export type Builder = ReturnType<typeof createBuilder>;
