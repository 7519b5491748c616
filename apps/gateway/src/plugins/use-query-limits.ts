import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface QueryLimits {
  /** Deepest nesting of fields (a connection's edges and node count as levels). */
  maxDepth: number;
  /** Most aliases in one operation (each alias of a list can cost a query). */
  maxAliases: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 15, maxAliases: 30 };

function depthOf(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  seen: Set<string>,
): number {
  let deepest = 0;
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      deepest = Math.max(
        deepest,
        selection.selectionSet ? 1 + depthOf(selection.selectionSet, fragments, seen) : 1,
      );
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, seen));
    } else {
      const name = selection.name.value;
      // A fragment that spreads itself is refused by validation; do not loop on it here.
      if (seen.has(name)) continue;
      const fragment = fragments[name];
      deepest = Math.max(deepest, depthOf(fragment?.selectionSet, fragments, new Set([...seen, name])));
    }
  }
  return deepest;
}

/** A validation rule: queries deeper or with more aliases than allowed fail before anything runs. */
export function queryLimitsRule(limits: QueryLimits) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of context.getDocument().definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) aliases++;
      },
      OperationDefinition: {
        enter(node) {
          aliases = 0;
          const depth = depthOf(node.selectionSet, fragments, new Set());
          if (depth > limits.maxDepth) {
            context.reportError(
              new GraphQLError(`The query is ${depth} levels deep; at most ${limits.maxDepth} are allowed.`, {
                nodes: [node],
                extensions: { code: 'QUERY_TOO_DEEP' },
              }),
            );
          }
        },
        leave(node) {
          if (aliases > limits.maxAliases) {
            context.reportError(
              new GraphQLError(
                `The query uses ${aliases} aliases; at most ${limits.maxAliases} are allowed.`,
                {
                  nodes: [node],
                  extensions: { code: 'TOO_MANY_ALIASES' },
                },
              ),
            );
          }
        },
      },
    };
  };
}

/** Refuses abusive queries at validation, so they cost no call to Salesforce. */
export function useQueryLimits(limits: QueryLimits = DEFAULT_QUERY_LIMITS): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(queryLimitsRule(limits));
    },
  };
}
