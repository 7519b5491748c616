/**
 * Records without Salesforce's `attributes` (each record's type and URL), at any depth: what a
 * person at a terminal or a model reads needs only the fields.
 */
export function withoutAttributes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutAttributes);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'attributes')
      .map(([key, item]) => [key, withoutAttributes(item)]),
  );
}
