import { printSchema } from 'graphql';
import { expect, it } from 'vitest';
import { createSchema } from './schema.ts';

it('prints the schema (a change to it is a visible diff)', () => {
  expect(printSchema(createSchema())).toMatchSnapshot();
});
