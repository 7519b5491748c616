import { defineConfig } from 'vitest/config';

/**
 * The one Vitest configuration every package and app extends.
 *
 * graphql is resolved through the same conditions everywhere so that it is loaded once: two copies of
 * graphql in one process fail with "Cannot use GraphQLSchema from another module or realm".
 */
export const baseConfig = defineConfig({
  ssr: { resolve: { conditions: ['module', 'node', 'production'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
