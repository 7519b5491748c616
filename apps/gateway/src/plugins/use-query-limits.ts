import { useDepthLimit } from '@envelop/depth-limit';
import {
  type ASTVisitor,
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  parse,
  type ValidationContext,
  type ValidationRule,
  visit,
} from 'graphql';
import { type ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import type { Plugin } from 'graphql-yoga';
import type { QueryLimits } from '../config.ts';

export type { QueryLimits } from '../config.ts';

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 15,
  maxAliases: 30,
  maxTokens: 2000,
  maxCost: 50_000,
  maxBatch: 5,
};

/** `first` when a list does not say (the schema's default page). */
const DEFAULT_PAGE = 10;
/** `first` of `globalSearch` when it does not say. */
const DEFAULT_SEARCH = 20;

/**
 * What a field costs: one, plus what it selects, times the records it can return. A connection (or
 * `globalSearch`) returns up to `first` records, so `accounts(first: 200) { contacts(first: 200) }`
 * costs 40,000 times what each contact asks for: that is what Salesforce would be asked to return.
 */
export const estimateCost: ComplexityEstimator = ({ field, args, childComplexity }) => {
  // Lists taking `first` (or `last`) are the ones that fetch records; `edges` and `nodes` are that page.
  if (!field.args.some((a) => a.name === 'first')) return 1 + childComplexity;
  const fallback = field.name === 'globalSearch' ? DEFAULT_SEARCH : DEFAULT_PAGE;
  const asked = typeof args.first === 'number' ? args.first : args.last;
  const first = typeof asked === 'number' && asked >= 0 ? asked : fallback;
  return 1 + Math.max(first, 1) * childComplexity;
};

const withCode = (error: GraphQLError, message: string, extensions: Record<string, unknown>) =>
  new GraphQLError(message, { nodes: error.nodes, extensions: { ...error.extensions, ...extensions } });

/** Whether a document spreads a fragment it does not define (graphql's own rules report it). */
function spreadsUnknownFragment(document: DocumentNode): boolean {
  const defined = new Set<string>();
  const spread = new Set<string>();
  visit(document, {
    FragmentDefinition: (node) => {
      defined.add(node.name.value);
    },
    FragmentSpread: (node) => {
      spread.add(node.name.value);
    },
  });
  return [...spread].some((name) => !defined.has(name));
}

/**
 * Whether a document's fragments spread each other in a cycle (graphql's NoFragmentCycles rule
 * reports it). graphql-depth-limit would follow such a cycle until the stack overflows: a 500.
 */
function hasFragmentCycle(document: DocumentNode): boolean {
  const spreads = new Map<string, string[]>();
  for (const d of document.definitions) {
    if (d.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const names: string[] = [];
    visit(d, {
      FragmentSpread: (node) => {
        names.push(node.name.value);
      },
    });
    spreads.set(d.name.value, names);
  }
  const done = new Set<string>();
  const onPath = new Set<string>();
  const cyclic = (name: string): boolean => {
    if (onPath.has(name)) return true;
    if (done.has(name)) return false;
    onPath.add(name);
    const found = (spreads.get(name) ?? []).some(cyclic);
    onPath.delete(name);
    done.add(name);
    return found;
  };
  return [...spreads.keys()].some(cyclic);
}

/**
 * The depth rule of `@envelop/depth-limit` (graphql-depth-limit), with a code and a clear message.
 * That library walks fragments as it is created and throws a TypeError on a spread of a fragment the
 * document does not define, which would surface as a 500: such a document is left to graphql's
 * KnownFragmentNames rule, which refuses it anyway.
 */
function depthRule(maxDepth: number): ValidationRule {
  let rule: ValidationRule | undefined;
  // graphql-depth-limit counts the first level as 0: `maxDepth - 1` allows `maxDepth` levels.
  useDepthLimit({ maxDepth: maxDepth - 1 }).onValidate?.({
    addValidationRule: (r: ValidationRule) => {
      rule = r;
    },
  } as never);
  if (!rule) throw new Error('@envelop/depth-limit did not add its validation rule');
  const library = rule;
  const QueryDepthRule = (context: ValidationContext): ASTVisitor => {
    const document = context.getDocument();
    if (spreadsUnknownFragment(document) || hasFragmentCycle(document)) return {};
    const coded = Object.create(context, {
      reportError: {
        value: (error: GraphQLError) =>
          context.reportError(
            withCode(
              error,
              `The query is more than ${maxDepth} levels deep; at most ${maxDepth} are allowed.`,
              {
                code: 'QUERY_TOO_DEEP',
                maxDepth,
              },
            ),
          ),
      },
    }) as ValidationContext;
    library(coded);
    return {};
  };
  return QueryDepthRule;
}

/**
 * Counts aliases per operation. Written here because the one library that does it (graphql-armor's
 * max-aliases) depends on graphql 16 and would load a second graphql next to our 17
 * (Escape-Technologies/graphql-armor#885); counting aliases is a few lines.
 */
function aliasRule(maxAliases: number): ValidationRule {
  return function QueryAliasesRule(context: ValidationContext): ASTVisitor {
    const fragments = new Map<string, number>();
    for (const d of context.getDocument().definitions) {
      if (d.kind !== Kind.FRAGMENT_DEFINITION) continue;
      let n = 0;
      visit(d, {
        Field: (f) => {
          if (f.alias) n++;
        },
      });
      fragments.set(d.name.value, n);
    }
    return {
      OperationDefinition(node) {
        let aliases = 0;
        // Each spread of a fragment counts its aliases again (a fragment spread ten times is ten).
        visit(node, {
          Field: (f) => {
            if (f.alias) aliases++;
          },
          FragmentSpread: (s) => {
            aliases += fragments.get(s.name.value) ?? 0;
          },
        });
        if (aliases > maxAliases) {
          context.reportError(
            new GraphQLError(`The query uses ${aliases} aliases; at most ${maxAliases} are allowed.`, {
              nodes: [node],
              extensions: { code: 'TOO_MANY_ALIASES', maxAliases },
            }),
          );
        }
        return false;
      },
    };
  };
}

/**
 * The variables a document's cost can depend on: those given to a `first` or `last` argument (the
 * page sizes {@link estimateCost} reads) or to `@skip` / `@include` (which drop what they mark).
 * Any other variable (a filter, a search term, an Id) leaves the cost as it is.
 */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node, _key, _parent, _path, ancestors) {
      const owner = ancestors[ancestors.length - 1];
      const counts =
        owner && 'kind' in owner && owner.kind === Kind.DIRECTIVE
          ? owner.name.value === 'skip' || owner.name.value === 'include'
          : node.name.value === 'first' || node.name.value === 'last';
      if (!counts) return false;
      visit(node.value, {
        Variable: (v) => {
          names.add(v.name.value);
        },
      });
      return false;
    },
  });
  return [...names].sort();
}

/** Costs remembered per document and schema, by operation and cost variables; at most this many each. */
const COSTS_PER_DOCUMENT = 64;

interface CostEntry {
  variables: string[];
  bySchema: WeakMap<GraphQLSchema, Map<string, number>>;
}

/**
 * The cost of an operation, computed once per document, schema, operation name and values of the
 * variables the cost can depend on ({@link costVariables}): the same query sent again (with other
 * filters or search terms) costs a map lookup instead of a walk of the document with TypeInfo.
 * A cost that cannot be measured (variables of the wrong type) throws as `getComplexity` does and
 * is not remembered.
 */
function createCostMeter(estimator: ComplexityEstimator) {
  const byDocument = new WeakMap<DocumentNode, CostEntry>();
  return (args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null | undefined;
    variableValues?: unknown;
  }): number => {
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    let entry = byDocument.get(args.document);
    if (!entry) {
      entry = { variables: costVariables(args.document), bySchema: new WeakMap() };
      byDocument.set(args.document, entry);
    }
    let costs = entry.bySchema.get(args.schema);
    if (!costs) {
      costs = new Map();
      entry.bySchema.set(args.schema, costs);
    }
    // A variable left out (its default applies) differs from one sent as null (null applies).
    let key: string | undefined;
    try {
      key = JSON.stringify([
        args.operationName ?? null,
        ...entry.variables.map((name) => (Object.hasOwn(variables, name) ? [variables[name]] : 0)),
      ]);
    } catch {
      key = undefined;
    }
    const known = key === undefined ? undefined : costs.get(key);
    if (known !== undefined) return known;
    const cost = getComplexity({
      schema: args.schema,
      query: args.document,
      variables,
      ...(args.operationName ? { operationName: args.operationName } : {}),
      estimators: [estimator],
    });
    if (key !== undefined) {
      if (costs.size >= COSTS_PER_DOCUMENT) costs.clear();
      costs.set(key, cost);
    }
    return cost;
  };
}

/**
 * Refuses abusive queries before anything reaches Salesforce:
 * - tokens: graphql's own parser stops after `maxTokens` (its `maxTokens` option), so a huge
 *   document costs no more than that to reject;
 * - depth: `@envelop/depth-limit`; aliases: see {@link aliasRule};
 * - cost: `graphql-query-complexity` with {@link estimateCost}, checked as execution starts because
 *   it depends on the variables (`first: $n`) while validation results are cached per document;
 *   remembered per document and the values of the variables it depends on (see {@link createCostMeter});
 * - batching: Yoga's `batching.limit` (set by the gateway from `maxBatch`).
 */
export function useQueryLimits(limits: QueryLimits = DEFAULT_QUERY_LIMITS): Plugin {
  const rules = [depthRule(limits.maxDepth), aliasRule(limits.maxAliases)];
  const costOf = createCostMeter(estimateCost);
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parse(source, { ...options, maxTokens: limits.maxTokens });
        } catch (error) {
          if (error instanceof GraphQLError && /more than \d+ tokens/.test(error.message))
            throw withCode(
              error,
              `The document has more than ${limits.maxTokens} tokens; at most ${limits.maxTokens} are allowed.`,
              {
                code: 'TOO_MANY_TOKENS',
                maxTokens: limits.maxTokens,
              },
            );
          throw error;
        }
      });
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      let cost: number;
      try {
        cost = costOf(args);
      } catch (error) {
        // Variables of the wrong type: execution reports them, with their names.
        if (!(error instanceof GraphQLError) || !/nodes/i.test(error.message)) return;
        cost = Number.POSITIVE_INFINITY;
      }
      if (cost > limits.maxCost) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              Number.isFinite(cost)
                ? `The query could return ${cost} values; at most ${limits.maxCost} are allowed. Ask for fewer records (first) or fewer nested lists.`
                : 'The query has too many fields to measure; ask for fewer.',
              {
                extensions: {
                  code: 'QUERY_TOO_COSTLY',
                  cost: Number.isFinite(cost) ? cost : null,
                  maxCost: limits.maxCost,
                },
              },
            ),
          ],
        });
      }
    },
  };
}
