import type { GraphQLContext } from '@sfgql/schema';
import type { Plugin } from 'graphql-yoga';

/**
 * Adds what the request spent of the org's API budget to the response, as
 * `extensions.salesforce: { calls, byKind }`, so callers (and tests) see the cost of a query.
 */
export function useSalesforceCalls(): Plugin<GraphQLContext> {
  return {
    onExecute({ args }) {
      const meter = (args.contextValue as Partial<GraphQLContext>).client?.meter;
      return {
        onExecuteDone({ result, setResult }) {
          if (!meter || Symbol.asyncIterator in result) return;
          const { calls, byKind } = meter.snapshot();
          setResult({ ...result, extensions: { ...result.extensions, salesforce: { calls, byKind } } });
        },
      };
    },
  };
}
