import { caseSpec, getCaseByNumber } from '@sfgql/objects/case';
import type { GraphQLSchema } from 'graphql';
import { createBuilder } from './builder.ts';
import { objectType } from './object-type.ts';

/** Builds the GraphQL schema over the CRM objects. */
export function createSchema(): GraphQLSchema {
  const builder = createBuilder();
  const CaseType = objectType(builder, caseSpec);

  builder.queryType({
    fields: (t) => ({
      case: t.field({
        type: CaseType,
        nullable: true,
        description: 'A case by its case number (exact match), or null when there is none.',
        args: {
          caseNumber: t.arg.string({ required: true, description: 'The case number, e.g. 00001104.' }),
        },
        resolve: (_root, args, ctx) => getCaseByNumber.run(ctx, args),
      }),
    }),
  });

  return builder.toSchema({ sortSchema: true });
}
