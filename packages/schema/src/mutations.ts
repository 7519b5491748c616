import type { FieldMap, InputFieldMap } from '@pothos/core';
import { type ConfirmationRequest, WriteForbiddenError } from '@sfgql/confirm';
import { runConfirmedWrite } from '@sfgql/objects/confirmed';
import { jsonSchemaOf } from '@sfgql/objects/json-schema';
import type { WriteOperation } from '@sfgql/objects/operation';
import { soql } from '@sfgql/soql';
import type { Builder } from './builder.ts';
import { isRecord, pascal, propertiesOf, requiredOf, typeOf, valueField } from './json-types.ts';
import { fetchOne } from './lists.ts';
import { planRecord } from './plan.ts';
import type { Registry } from './registry.ts';
import type { TypeRefs } from './types.ts';

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
    fields: (t) => {
      const fields: FieldMap = {};
      for (const operation of operations) {
        const name = pascal(operation.name);
        const input = jsonSchemaOf(operation.input, 'input');
        const output = jsonSchemaOf(operation.output, 'output');
        const required = requiredOf(input);
        const props = propertiesOf(input);
        const hasId = props.some(([k]) => k === 'id');
        const rest = props.filter(([k]) => k !== 'id');
        const config = operation.object ? registry.byApiName.get(operation.object.apiName) : undefined;
        const InputRef =
          rest.length > 0
            ? builder.inputType(`${name}Input`, {
                description: `What ${operation.name} takes.`,
                fields: (i) => {
                  const inputs: InputFieldMap = {};
                  for (const [key, prop] of rest) {
                    const { scalar, list, description } = typeOf(key, prop);
                    const about = description ? { description } : {};
                    const needed = required.has(key);
                    inputs[key] = list
                      ? i.field({ type: [scalar], required: needed && { list: true, items: true }, ...about })
                      : i.field({ type: scalar, required: needed, ...about });
                  }
                  return inputs;
                },
              })
            : null;
        const outputRequired = requiredOf(output);
        const Result = builder.objectRef<MutationResult>(`${name}Result`).implement({
          description: `What ${operation.name} did.`,
          fields: (r) => {
            const out: FieldMap = {};
            for (const [key, prop] of propertiesOf(output))
              out[key] = valueField(r, key, prop, outputRequired.has(key), (m) => m.value[key]);
            out.clientMutationId = r.string({
              nullable: true,
              description: 'The clientMutationId the mutation was called with.',
              resolve: (m) => m.clientMutationId,
            });
            if (config && operation.action !== 'delete') {
              out.record = r.field({
                type: refs.of(config).object,
                nullable: true,
                description: `The ${config.spec.label.toLowerCase()} as it is now.`,
                resolve: (m, _args, ctx, info) =>
                  typeof m.value.id === 'string'
                    ? fetchOne(ctx, config, planRecord(info, config), [soql`Id = ${m.value.id}`])
                    : null,
              });
            }
            return out;
          },
        });
        const PayloadRef = builder.unionType(`${name}Payload`, {
          description: `A confirmation to show first, or what ${operation.name} did.`,
          types: [ConfirmationRequired, Result],
          resolveType: (p) => (p.kind === 'confirmation' ? 'ConfirmationRequired' : `${name}Result`),
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
          resolve: async (_root, args, ctx): Promise<Payload> => {
            if (!ctx.principal || !ctx.confirmation)
              throw new WriteForbiddenError('READ_ONLY', 'This server takes no writes.', {
                object: operation.object?.apiName ?? 'unknown',
              });
            // GraphQL input objects have no prototype; the confirmation hashes plain JSON.
            const values: unknown = JSON.parse(
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
              // Every write answers an object (its output schema's properties are the result's fields).
              value: isRecord(outcome.result) ? outcome.result : {},
              clientMutationId: args.clientMutationId ?? null,
            };
          },
        });
      }
      return fields;
    },
  });
}
