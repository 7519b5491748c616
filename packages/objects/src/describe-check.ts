import type { DescribeResult } from '@sfgql/soql';
import { OperationError } from './errors.ts';
import type { OperationContext } from './operation.ts';
import type { ObjectSpec } from './spec.ts';

type DescribedField = DescribeResult['fields'][number] & { defaultedOnCreate?: boolean };

const TEXT = new Set(['string', 'textarea', 'email', 'phone', 'url', 'combobox', 'encryptedstring']);

/** One line per problem, in the shape of input validation's messages (`✖ reason` / `→ at key`). */
const problem = (key: string, reason: string) => `✖ ${reason}\n  → at ${key}`;

/**
 * Checks the values of a create or an update against the org's describe of the object (cached per
 * org), so that what Salesforce would refuse at the confirmed write is refused at the preview with
 * the field named: required fields left out or cleared, values of a restricted picklist the org
 * does not have (or has deactivated), and text longer than the field.
 * Throws `INVALID_INPUT`. A describe that fails leaves the checks to Salesforce.
 *
 * `values` are keyed by the spec's field keys (the `id` of an update is skipped).
 */
export async function checkAgainstDescribe(
  ctx: OperationContext,
  spec: ObjectSpec,
  values: Readonly<Record<string, unknown>>,
  action: 'create' | 'update',
): Promise<void> {
  let describe: DescribeResult;
  try {
    describe = await ctx.client.describe(spec.apiName);
  } catch {
    return;
  }
  const byName = new Map(describe.fields.map((f) => [f.name.toLowerCase(), f as DescribedField]));
  const keyOf = new Map(Object.entries(spec.fields).map(([key, f]) => [f.apiName.toLowerCase(), key]));
  const problems: string[] = [];

  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || (action === 'update' && key === 'id')) continue;
    const field = byName.get((spec.fields[key]?.apiName ?? key).toLowerCase());
    // Whether this user may write the field (field-level security) is left to Salesforce: a
    // describe kept for the org's callers does not tell one user's access from another's.
    if (!field) continue;
    if (value === null) {
      if (!field.nillable && field.type !== 'boolean') problems.push(problem(key, 'cannot be empty'));
      continue;
    }
    if (
      TEXT.has(field.type) &&
      field.length > 0 &&
      typeof value === 'string' &&
      value.length > field.length
    ) {
      problems.push(problem(key, `must be at most ${field.length} characters (it has ${value.length})`));
    }
    if ((field.type === 'picklist' || field.type === 'multipicklist') && field.restrictedPicklist) {
      const allowed = field.picklistValues.filter((v) => v.active).map((v) => v.value);
      const given = field.type === 'multipicklist' ? String(value).split(';') : [String(value)];
      const unknown = given.filter((v) => !allowed.includes(v));
      if (unknown.length > 0) {
        problems.push(
          problem(key, `must be one of the org's values: ${allowed.join(', ')} (not ${unknown.join(', ')})`),
        );
      }
    }
  }

  if (action === 'create') {
    for (const field of byName.values()) {
      const required =
        field.createable && !field.nillable && !field.defaultedOnCreate && field.type !== 'boolean';
      if (!required) continue;
      const key = keyOf.get(field.name.toLowerCase()) ?? field.name;
      if (values[key] === undefined || values[key] === null) {
        problems.push(problem(key, `is required by the org (${field.label})`));
      }
    }
  }
  if (problems.length > 0) throw new OperationError('INVALID_INPUT', problems.join('\n'));
}
