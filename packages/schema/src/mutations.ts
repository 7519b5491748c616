import { type ConfirmationRequest, WriteForbiddenError } from '@sfgql/confirm';
import { runConfirmedWrite } from '@sfgql/objects/confirmed';
import {
  allowsNull,
  ID_OBJECTS,
  isSchema,
  type JsonSchema,
  jsonSchemaOf,
  primaryType,
} from '@sfgql/objects/json-schema';
import type { WriteOperation } from '@sfgql/objects/operation';
import { soql } from '@sfgql/soql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Builder, GraphQLContext } from './builder.ts';
import { fetchOne } from './lists.ts';
import { planRecord } from './plan.ts';
import type { ObjectConfig, Registry } from './registry.ts';
import type { TypeRefs } from './types.ts';

// biome-ignore lint/suspicious/noExplicitAny: Pothos refs of generated types (see types.ts)
type Ref = any;

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const SCALARS: Readonly<Record<string, string>> = {
  string: 'String',
  integer: 'Int',
  number: 'Float',
  boolean: 'Boolean',
};

/** Ids are typed ID: the catalog marks each with the objects it may name, and results name theirs `id`. */
const isId = (key: string, schema: JsonSchema) =>
  ID_OBJECTS in schema || key === 'id' || /[a-z]Id$/.test(key);

/** A GraphQL type for a JSON Schema property: Ids as ID, picklists as String with their values. */
function typeOf(key: string, prop: JsonSchema): { type: string | [string]; description?: string } {
  const list = primaryType(prop) === 'array' && isSchema(prop.items);
  const member = list ? (prop.items as JsonSchema) : prop;
  const values = Array.isArray(member.enum)
    ? ` Values: ${member.enum.filter((v) => v !== null).join(', ')}.`
    : '';
  const description = typeof prop.description === 'string' ? `${prop.description}${values}` : values.trim();
  const scalar = isId(list ? key.replace(/s$/, '') : key, member)
    ? 'ID'
    : (SCALARS[primaryType(member) ?? ''] ?? 'JSON');
  return { type: list ? [scalar] : scalar, ...(description ? { description } : {}) };
}

export interface MutationResult {
  kind: 'result';
  value: Record<string, unknown>;
  /** The caller's `clientMutationId`, echoed. */
  clientMutationId: string | null;
}
type Payload = MutationResult | ({ kind: 'confirmation' } & ConfirmationRequest);

/**
 * One mutation per write operation, behind the confirmation protocol: without a token the answer
 * is a `ConfirmationRequired` to show a person; with it (and the same arguments) the write runs
 * once and the result comes back. Refusals (expired, used, mismatched, stale, forbidden) are errors
 * with their code. `clientMutationId` is an idempotency key: a mutation repeated with the same one
 * (its answer lost on the way) returns the first result instead of writing twice.
 */
export function defineMutations(
  builder: Builder,
  registry: Registry,
  refs: TypeRefs,
  operations: readonly WriteOperation[],
) {
  const FieldChange = builder
    .objectRef<{ field: string; before: unknown; after: unknown }>('FieldChange')
    .implement({
      description: 'One field as it is and as it will be.',
      fields: (t) => ({
        field: t.exposeString('field', { description: 'The Salesforce field (API name).' }),
        before: t.field({ type: 'JSON', nullable: true, resolve: (c) => c.before ?? null }),
        after: t.field({ type: 'JSON', nullable: true, resolve: (c) => c.after ?? null }),
      }),
    });
  const ConfirmationRequired = builder
    .objectRef<{ kind: 'confirmation' } & ConfirmationRequest>('ConfirmationRequired')
    .implement({
      description:
        'Nothing was written yet: show the summary to a person and, if they agree, send the same mutation with the same arguments and this token.',
      fields: (t) => ({
        token: t.exposeString('token', { description: 'Send back as confirmationToken. Single use.' }),
        expiresAt: t.exposeString('expiresAt', { description: 'ISO 8601; the token is refused after it.' }),
        summary: t.exposeString('summary', { description: 'One sentence to read to the person.' }),
        action: t.exposeString('action'),
        object: t.exposeString('object'),
        recordId: t.exposeID('recordId', { nullable: true }),
        changes: t.field({ type: [FieldChange], resolve: (c) => c.changes }),
        destructive: t.exposeBoolean('destructive', { description: 'Whether data will be removed.' }),
      }),
    });

  builder.mutationType({
    fields: (t: Ref) => {
      const fields: Record<string, Ref> = {};
      for (const operation of operations) {
        const name = pascal(operation.name);
        const input = jsonSchemaOf(operation.input, 'input');
        const output = jsonSchemaOf(operation.output, 'output');
        const required = new Set((input.required as string[] | undefined) ?? []);
        const props = Object.entries((input.properties ?? {}) as Record<string, JsonSchema>);
        const hasId = props.some(([k]) => k === 'id');
        const rest = props.filter(([k]) => k !== 'id');
        const config = operation.object ? registry.byApiName.get(operation.object.apiName) : undefined;
        const InputRef =
          rest.length > 0
            ? builder.inputType(`${name}Input`, {
                description: `What ${operation.name} takes.`,
                fields: (i: Ref) =>
                  Object.fromEntries(
                    rest.map(([key, prop]) => {
                      const { type, description } = typeOf(key, prop);
                      return [
                        key,
                        i.field({
                          type,
                          required: required.has(key)
                            ? Array.isArray(type)
                              ? { list: true, items: true }
                              : true
                            : false,
                          ...(description ? { description } : {}),
                        }),
                      ];
                    }),
                  ),
              })
            : null;
        const Result = builder.objectRef<MutationResult>(`${name}Result`).implement({
          description: `What ${operation.name} did.`,
          fields: (r: Ref) => {
            const out: Record<string, Ref> = {};
            for (const [key, prop] of Object.entries(
              (output.properties ?? {}) as Record<string, JsonSchema>,
            )) {
              const { type, description } = typeOf(key, prop);
              out[key] = r.field({
                type,
                // What the operation may leave empty is nullable here: a write that happened never
                // answers an error because a value it did not have was promised.
                nullable:
                  !((output.required as string[] | undefined) ?? []).includes(key) || allowsNull(prop),
                ...(description ? { description } : {}),
                resolve: (m: MutationResult) => m.value[key] ?? null,
              });
            }
            out.clientMutationId = r.field({
              type: 'String',
              nullable: true,
              description: 'The clientMutationId the mutation was called with.',
              resolve: (m: MutationResult) => m.clientMutationId,
            });
            if (config && operation.action !== 'delete') {
              out.record = r.field({
                type: refs.objects.get(config.typeName),
                nullable: true,
                description: `The ${config.spec.label.toLowerCase()} as it is now.`,
                resolve: (
                  m: MutationResult,
                  _args: unknown,
                  ctx: GraphQLContext,
                  info: GraphQLResolveInfo,
                ) =>
                  typeof m.value.id === 'string'
                    ? fetchOne(ctx, config as ObjectConfig, planRecord(info, config as ObjectConfig), [
                        soql`Id = ${m.value.id}`,
                      ])
                    : null,
              });
            }
            return out;
          },
        });
        const PayloadRef = builder.unionType(`${name}Payload`, {
          description: `A confirmation to show first, or what ${operation.name} did.`,
          types: [ConfirmationRequired, Result],
          resolveType: (p: Payload) => (p.kind === 'confirmation' ? 'ConfirmationRequired' : `${name}Result`),
        });
        const anyRequired = rest.some(([k]) => required.has(k));
        fields[operation.name] = t.field({
          type: PayloadRef,
          description: `${operation.summary} ${operation.kind === 'destructive' ? 'Destructive: asks' : 'Asks'} for confirmation first.`,
          args: {
            ...(hasId ? { id: t.arg.id({ required: required.has('id') }) } : {}),
            ...(InputRef ? { input: t.arg({ type: InputRef, required: anyRequired }) } : {}),
            confirmationToken: t.arg.string({
              description: 'The token of the ConfirmationRequired answer, to perform the write.',
            }),
            clientMutationId: t.arg.string({
              description:
                'An idempotency key (a UUID, 1-255 printable ASCII characters): repeating the mutation with the same key returns the first result instead of writing again, with the used token or a new one.',
            }),
          },
          resolve: async (
            _root: unknown,
            args: {
              id?: string | null;
              input?: Record<string, unknown> | null;
              confirmationToken?: string | null;
              clientMutationId?: string | null;
            },
            ctx: GraphQLContext,
          ): Promise<Payload> => {
            if (!ctx.principal || !ctx.confirmation)
              throw new WriteForbiddenError('READ_ONLY', 'This server takes no writes.', {
                object: operation.object?.apiName ?? 'unknown',
              });
            // GraphQL input objects have no prototype; the confirmation hashes plain JSON.
            const values = JSON.parse(
              JSON.stringify({
                ...(args.id !== undefined && args.id !== null ? { id: args.id } : {}),
                ...(args.input ?? {}),
              }),
            );
            const outcome = await runConfirmedWrite(
              operation,
              {
                ...ctx,
                principal: ctx.principal,
                confirmation: ctx.confirmation,
                token: args.confirmationToken ?? undefined,
                idempotencyKey: args.clientMutationId ?? undefined,
              },
              values,
            );
            if (outcome.kind === 'preview') return { kind: 'confirmation', ...outcome.confirmation };
            return {
              kind: 'result',
              value: outcome.result as Record<string, unknown>,
              clientMutationId: args.clientMutationId ?? null,
            };
          },
        });
      }
      return fields;
    },
  });
}
