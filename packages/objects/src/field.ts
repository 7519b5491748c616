import type { FieldKind, FieldSpec } from './spec.ts';

/** Shorthand for a field spec: `field('Email', 'email', 'Email address.', { search: 'like', compact: true })`. */
export function field<const K extends FieldKind>(
  apiName: string,
  kind: K,
  description: string,
  options: Omit<FieldSpec, 'apiName' | 'kind' | 'description'> = {},
): FieldSpec & { kind: K } {
  return { apiName, kind, description, ...options };
}

/** The Id field every object has. */
export const idField = (label: string) =>
  field('Id', 'id', `The 18-character Salesforce Id of the ${label}.`, { readOnly: true, compact: true });

/** A lookup to other records. */
export const lookup = (
  apiName: string,
  objects: readonly string[],
  description: string,
  options: Omit<FieldSpec, 'apiName' | 'kind' | 'description' | 'references'> = {},
) => field(apiName, 'reference', description, { references: objects, ...options });

/** The owner (a user, or a queue where the object can be queued). */
export const ownerField = (objects: readonly string[] = ['User']) =>
  lookup(
    'OwnerId',
    objects,
    `Who owns the record: a user${objects.includes('Group') ? ' or a queue' : ''}.`,
    { compact: true },
  );
