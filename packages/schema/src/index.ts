export { type ContextOptions, childLevelsFor, createContext, type GraphQLContext } from './builder.ts';
export { STANDARD_SPECS } from './registry.ts';
export { createSchema, type SchemaOptions } from './schema.ts';
