import {
  composeQuery,
  type FieldType,
  parseQuery,
  type Query,
  type WhereClause,
} from '@jetstreamapp/soql-parser-js';
import { type SoqlFragment, validatedFragment } from './soql.ts';

/** Which objects an outside query may read, and which fields of each (relationship paths as `Account.Name`). */
export type SoqlAllowlist = Readonly<Record<string, readonly string[]>>;

export interface ValidateOptions {
  allow: SoqlAllowlist;
  /** LIMIT is added or lowered to this (default 200). */
  maxLimit?: number;
}

export type ValidationResult =
  | { ok: true; statement: SoqlFragment; object: string; fields: string[] }
  | { ok: false; reason: string };

// The escapes SOQL allows inside string literals; anything else after a backslash is refused.
const LITERAL_ESCAPES = /\\(?![nrtbf"'\\%_]|u[0-9a-fA-F]{4})/;

const refuse = (reason: string): ValidationResult => ({ ok: false, reason });

function whereFields(where: WhereClause | undefined, out: string[], problems: string[]): void {
  if (!where) return;
  const left = where.left as
    | (Record<string, unknown> & { field?: string; literalType?: unknown; value?: unknown })
    | null;
  if (left) {
    if ('valueQuery' in left && left.valueQuery) problems.push('subqueries in WHERE are not allowed');
    if ('fn' in left && left.fn) problems.push('functions in WHERE are not allowed');
    if (typeof left.field === 'string') out.push(left.field);
    const values = Array.isArray(left.value) ? left.value : [left.value];
    for (const value of values) {
      if (typeof value === 'string' && LITERAL_ESCAPES.test(value))
        problems.push(`the literal ${value} has an escape SOQL does not allow`);
    }
  }
  if ('right' in where) whereFields(where.right, out, problems);
}

function selectedField(field: FieldType, problems: string[]): string | undefined {
  switch (field.type) {
    case 'Field':
      return field.field;
    case 'FieldRelationship':
      return field.rawValue ?? [...field.relationships, field.field].join('.');
    default:
      problems.push(
        `${field.type === 'FieldSubquery' ? 'subqueries' : 'functions and TYPEOF'} are not allowed in the field list`,
      );
      return undefined;
  }
}

/** The clauses a read-only query may have, as the parser names them; anything else is refused. */
const CLAUSES = new Set([
  'fields',
  'sObject',
  'where',
  'withSecurityEnforced',
  'withAccessLevel',
  'orderBy',
  'limit',
  'offset',
]);

/** How the parser names the clauses it may find, for the refusal's reason. */
const CLAUSE_NAMES: Readonly<Record<string, string>> = {
  update: 'UPDATE TRACKING and UPDATE VIEWSTAT (they write)',
  for: 'FOR VIEW, FOR REFERENCE and FOR UPDATE',
  groupBy: 'GROUP BY',
  having: 'HAVING',
  withDataCategory: 'WITH DATA CATEGORY',
  usingScope: 'USING SCOPE',
};

/**
 * The checked query's text in SOQL's own clause order: SELECT, FROM, WHERE, WITH, ORDER BY, LIMIT,
 * OFFSET. The parser's composer writes WITH after LIMIT and OFFSET, which Salesforce refuses, so
 * the text is composed without WITH and the WITH clause put back after WHERE.
 */
function composeInOrder(query: Query): string {
  const { withSecurityEnforced, withAccessLevel, ...rest } = query;
  const withClause = withSecurityEnforced
    ? 'WITH SECURITY_ENFORCED'
    : withAccessLevel
      ? `WITH ${withAccessLevel}`
      : undefined;
  const text = composeQuery(rest);
  if (!withClause) return text;
  const head = composeQuery({ fields: rest.fields, sObject: rest.sObject, where: rest.where });
  if (!text.startsWith(head)) throw new Error(`Cannot place the WITH clause of: ${text}`);
  return `${head} ${withClause}${text.slice(head.length)}`;
}

/**
 * Checks SOQL written outside the project (a GPT Action's `q`) before it reaches Salesforce: only
 * `SELECT … FROM <object> [WHERE …] [WITH SECURITY_ENFORCED | WITH USER_MODE] [ORDER BY …]
 * [LIMIT n] [OFFSET n]`, in that order, of allowlisted fields from an allowlisted object, without
 * subqueries, functions or aggregates; LIMIT added or lowered to `maxLimit`. Anything else
 * (`UPDATE TRACKING`, `FOR UPDATE`, `GROUP BY`, `WITH SYSTEM_MODE`, ...) is refused with a reason
 * the caller can act on.
 */
export function validateReadOnlySoql(q: string, options: ValidateOptions): ValidationResult {
  const maxLimit = options.maxLimit ?? 200;
  if (q.length > 20_000) return refuse('the query is longer than 20000 characters');
  let query: Query;
  try {
    query = parseQuery(q);
  } catch (error) {
    return refuse(`the query is not valid SOQL: ${(error as Error).message.split('\n')[0]}`);
  }
  const object = query.sObject;
  if (!object) return refuse('the query must select FROM one object');
  const allowedObject = Object.keys(options.allow).find(
    (name) => name.toLowerCase() === object.toLowerCase(),
  );
  if (!allowedObject)
    return refuse(
      `the object ${object} may not be queried; allowed: ${Object.keys(options.allow).join(', ')}`,
    );
  const problems: string[] = [];
  for (const [clause, value] of Object.entries(query)) {
    if (value === undefined || CLAUSES.has(clause)) continue;
    const name = clause === 'for' ? `FOR ${String(value)}` : (CLAUSE_NAMES[clause] ?? clause);
    problems.push(`${name} ${clause === 'update' ? 'are' : 'is'} not allowed`);
  }
  if (query.withAccessLevel && query.withAccessLevel !== 'USER_MODE') {
    problems.push(
      `WITH ${query.withAccessLevel} is not allowed (only WITH SECURITY_ENFORCED or WITH USER_MODE)`,
    );
  }
  if (query.offset !== undefined && query.offset > 2000) problems.push('OFFSET may be at most 2000');
  const fields =
    query.fields?.map((f) => selectedField(f, problems)).filter((f): f is string => f !== undefined) ?? [];
  const referenced = [...fields];
  whereFields(query.where, referenced, problems);
  for (const order of [query.orderBy ?? []].flat()) {
    if ('field' in order) referenced.push(order.field);
    else problems.push('functions in ORDER BY are not allowed');
  }
  const allowed = new Set((options.allow[allowedObject] ?? []).map((f) => f.toLowerCase()));
  const strip = (f: string) =>
    f.toLowerCase().startsWith(`${allowedObject.toLowerCase()}.`) ? f.slice(allowedObject.length + 1) : f;
  const unknown = [...new Set(referenced.map(strip).filter((f) => !allowed.has(f.toLowerCase())))];
  if (unknown.length > 0) {
    problems.push(
      `the fields ${unknown.join(', ')} may not be used on ${allowedObject}; allowed: ${options.allow[allowedObject]?.join(', ')}`,
    );
  }
  if (problems.length > 0) return refuse(problems.join('; '));
  const limited: Query = { ...query, limit: Math.min(query.limit ?? maxLimit, maxLimit) };
  // The checked AST is composed again, so what runs is exactly what was checked.
  return { ok: true, statement: validatedFragment(composeInOrder(limited)), object: allowedObject, fields };
}
