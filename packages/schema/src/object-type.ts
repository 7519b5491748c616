import type { FieldKind, ObjectSpec } from '@sfgql/objects/spec';
import type { Builder } from './builder.ts';

type ScalarName = 'ID' | 'String' | 'Boolean' | 'Int' | 'Float';

function scalarFor(kind: FieldKind): ScalarName {
  switch (kind) {
    case 'id':
      return 'ID';
    case 'boolean':
      return 'Boolean';
    case 'int':
      return 'Int';
    case 'double':
    case 'currency':
    case 'percent':
      return 'Float';
    default:
      return 'String';
  }
}

/** The GraphQL object type of a spec: one field per spec field, named and described as in the spec. */
export function objectType<S extends ObjectSpec>(builder: Builder, spec: S) {
  // Records are the operations' outputs: field values keyed by the spec's field names.
  const ref = builder.objectRef<Record<string, unknown>>(spec.apiName);
  ref.implement({
    description: spec.description,
    fields: (t) =>
      Object.fromEntries(
        Object.entries(spec.fields).map(([name, field]) => [
          name,
          t.field({
            type: scalarFor(field.kind),
            nullable: name !== 'id',
            description: field.description,
            resolve: (record) => record[name] as never,
          }),
        ]),
      ),
  });
  return ref;
}
