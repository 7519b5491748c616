import { type SoqlFragment, soql } from '@sfgql/soql';
import { z } from 'zod';
import { OperationError } from './errors.ts';
import { FIELD_KINDS, type FieldKindRules } from './field-kinds.ts';
import { compileFilter, filterSchema } from './filter.ts';
import { parseInput } from './operation.ts';
import { readConditions, scopeShape } from './read.ts';
import type { FieldSpec, ObjectSpec } from './spec.ts';

/** What to export of one object: the same filter and scopes as every list of it. */
export interface ExportQuery {
  /** A filter in the catalog's language (`{ email: { like: '%@acme.com' } }`), checked here. */
  where?: unknown;
  /**
   * Fields by key (`firstName`) or API name (`FirstName`), in this order; every field Bulk API 2.0
   * can return by default.
   */
  fields?: readonly string[];
  /** Scope arguments (`includeInactive`); left out, their defaults. */
  scopes?: Readonly<Record<string, unknown>>;
}

/** Bulk API 2.0 returns no binary fields (a note's `Content`): they are never exported. */
const exportable = (field: FieldSpec) => field.kind !== 'base64';

/** The fields of an object an export returns unless told: every one Bulk API 2.0 can return. */
export function exportableKeys(spec: ObjectSpec): string[] {
  return Object.entries(spec.fields)
    .filter(([, field]) => exportable(field))
    .map(([key]) => key);
}

/**
 * The JSON type of each exportable field's values, by API name (`{ Amount: 'number', IsClosed:
 * 'boolean', ... }`): what `bulkExport` of `@sfgql/soql/bulk` needs to write an object's NDJSON
 * export with the values the REST API answers, not Bulk API 2.0's text.
 */
export function exportValueTypes(spec: ObjectSpec): Record<string, FieldKindRules['value']> {
  return Object.fromEntries(
    Object.values(spec.fields)
      .filter(exportable)
      .map((field) => [field.apiName, FIELD_KINDS[field.kind].value]),
  );
}

/** The API names of the fields asked for, each named by key or API name, whatever the case. */
function exportFields(spec: ObjectSpec, fields: readonly string[]): string[] {
  if (fields.length === 0) throw new OperationError('INVALID_INPUT', 'Name at least one field to export.');
  const names = fields.map((name) => {
    const wanted = name.trim().toLowerCase();
    const field = Object.entries(spec.fields).find(
      ([key, f]) => key.toLowerCase() === wanted || f.apiName.toLowerCase() === wanted,
    )?.[1];
    if (!field)
      throw new OperationError(
        'INVALID_INPUT',
        `${spec.label} has no field ${JSON.stringify(name)}; its fields: ${exportableKeys(spec).join(', ')}.`,
      );
    if (!exportable(field))
      throw new OperationError(
        'INVALID_INPUT',
        `${spec.label}'s ${name} cannot be exported: Bulk API 2.0 returns no binary fields.`,
      );
    return field.apiName;
  });
  return [...new Set(names)];
}

/**
 * The SOQL of an export of one object's records, read by the rules every door applies to its lists:
 * the object's base filter, its scopes (each with the caller's value or its default) and the
 * caller's filter in the catalog's language. Everything is checked before anything is sent: an
 * unknown or binary field, a filter that does not fit the object's fields or an unknown scope is
 * `INVALID_INPUT`.
 *
 * No ORDER BY, unlike a list: the statement is meant for a Bulk API 2.0 query job, and an ORDER BY
 * there keeps Salesforce from splitting the job into chunks (PK chunking), which makes large jobs
 * slow and liable to time out (Salesforce's own troubleshooting advice is to remove it).
 *
 * @example
 * import { exportStatement } from '@sfgql/objects/export';
 * import { bulkExport } from '@sfgql/soql/bulk';
 *
 * const statement = exportStatement(contactSpec, { where: { email: { like: '%@acme.com' } }, fields: ['id', 'email'] });
 * for await (const chunk of bulkExport(client, statement, { format: 'csv' })) process.stdout.write(chunk);
 * // NDJSON with numbers and booleans as the REST API answers them:
 * bulkExport(client, statement, { format: 'ndjson', types: exportValueTypes(contactSpec) });
 */
export function exportStatement(spec: ObjectSpec, query: ExportQuery = {}): SoqlFragment {
  const fields = exportFields(spec, query.fields ?? exportableKeys(spec));
  const scopes = parseInput(z.strictObject(scopeShape(spec, 'lists')), query.scopes ?? {});
  const where = readConditions(spec, 'lists', scopes);
  if (query.where !== undefined) {
    const condition = compileFilter(spec, parseInput(filterSchema(spec), query.where));
    if (condition) where.push(condition);
  }
  const whereClause = where.length ? soql` WHERE ${soql.join(where, ' AND ')}` : soql``;
  return soql`SELECT ${soql.fields(fields)} FROM ${soql.ident(spec.apiName)}${whereClause}`;
}
