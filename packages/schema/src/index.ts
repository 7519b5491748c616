export { type ContextOptions, childLevelsFor, createContext, type GraphQLContext } from './builder.ts';
export { createRegistry, type ObjectConfig, type Registry } from './registry.ts';
export { createSchema, type SchemaOptions } from './schema.ts';
