import { printSchema } from 'graphql';
import { expect, it } from 'vitest';
import { createSchema } from './schema.ts';

it('prints the schema as committed in schema.graphql (a change to it is a visible diff)', async () => {
  await expect(printSchema(createSchema())).toMatchFileSnapshot('../schema.graphql');
});
