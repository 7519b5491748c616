export type { GraphQLContext } from './builder.ts';
export { createSchema } from './schema.ts';
