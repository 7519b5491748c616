import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { ApiError } from '../errors.ts';
import { normalizeId } from '../ids.ts';
import type { Catalog } from '../metadata/catalog.ts';
import type { FieldMeta, ObjectMeta } from '../metadata/types.ts';
import { quoteIdent } from '../store/database.ts';
import { type JsonValue, type StoredValue, toJson } from '../store/values.ts';
import type { Condition, FieldPath, Literal, Pos, SelectQuery } from './ast.ts';
import { malformed } from './lexer.ts';
import { parseSoql } from './parser.ts';

export interface QueryOptions {
  db: DatabaseSync;
  catalog: Catalog;
  /** `v60.0`: used in each record's `attributes.url`. */
  apiVersion: string;
  /** queryAll: include soft-deleted rows. */
  includeDeleted: boolean;
}

export interface QueryResult {
  totalSize: number;
  done: boolean;
  records: Record<string, unknown>[];
}

/** A resolved column reference: the SQL alias of the table it lives in and its field. */
interface ResolvedField {
  /** Relationship names from the queried object to the field's object (empty for its own fields). */
  relationships: string[];
  alias: string;
  field: FieldMeta;
  object: ObjectMeta;
}

const invalidType = (name: string) =>
  new ApiError(
    400,
    'INVALID_TYPE',
    `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

/** Compiles a parsed query to SQL over the org's tables and shapes rows as Salesforce does. */
class Compiler {
  readonly params: SQLInputValue[] = [];
  private readonly joins = new Map<string, { alias: string; object: ObjectMeta; sql: string }>();
  readonly root: ObjectMeta;
  private readonly source: string;
  private readonly catalog: Catalog;

  constructor(source: string, query: SelectQuery, catalog: Catalog) {
    this.source = source;
    this.catalog = catalog;
    const root = catalog.object(query.from.name);
    if (!root?.queryable) throw invalidType(query.from.name);
    this.root = root;
  }

  private invalidField(pos: Pos, name: string, object: ObjectMeta): ApiError {
    const error = malformed(
      this.source,
      pos,
      `No such column '${name}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
    return new ApiError(400, 'INVALID_FIELD', error.message);
  }

  /** Resolves `Account.Owner.Name`, joining each parent once. */
  resolve(ref: FieldPath): ResolvedField {
    let path = ref.path;
    // `SELECT Contact.Name FROM Contact` names the queried object first.
    if (
      path.length > 1 &&
      path[0]?.toLowerCase() === this.root.name.toLowerCase() &&
      !this.catalog.parentRelationship(this.root, path[0])
    ) {
      path = path.slice(1);
    }
    let object = this.root;
    let alias = 't0';
    const relationships: string[] = [];
    for (const segment of path.slice(0, -1)) {
      const reference = this.catalog.parentRelationship(object, segment);
      if (!reference) throw this.invalidField(ref.pos, segment, object);
      // A polymorphic lookup (Owner → User or Group) joins each possible parent; see shapeParent.
      const parent = this.catalog.object(reference.referenceTo[0] ?? '');
      if (!parent) throw this.invalidField(ref.pos, segment, object);
      relationships.push(reference.relationshipName as string);
      const key = relationships.join('.').toLowerCase();
      let join = this.joins.get(key);
      if (!join) {
        const joinAlias = `t${this.joins.size + 1}`;
        join = {
          alias: joinAlias,
          object: parent,
          sql: `LEFT JOIN ${quoteIdent(parent.name)} ${joinAlias} ON ${joinAlias}."Id" = ${alias}.${quoteIdent(reference.name)}`,
        };
        this.joins.set(key, join);
      }
      object = parent;
      alias = join.alias;
    }
    const name = path.at(-1) as string;
    const field = this.catalog.field(object, name);
    if (!field) throw this.invalidField(ref.pos, name, object);
    return { relationships, alias, field, object };
  }

  column(resolved: ResolvedField): string {
    return `${resolved.alias}.${quoteIdent(resolved.field.name)}`;
  }

  /** Converts a literal to the stored form of `field`, rejecting type mismatches as Salesforce does. */
  private bind(field: FieldMeta, literal: Literal, pos: Pos): StoredValue {
    const mismatch = (expected: string, quoted: boolean) =>
      new ApiError(
        400,
        'INVALID_QUERY_FILTER_OPERATOR',
        malformed(
          this.source,
          pos,
          `value of filter criterion for field '${field.name}' must be of type ${expected} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
        ).message,
      );
    if (literal.kind === 'null') return null;
    switch (field.type) {
      case 'boolean':
        if (literal.kind !== 'boolean') throw mismatch('boolean', false);
        return literal.value ? 1 : 0;
      case 'int':
      case 'double':
      case 'currency':
      case 'percent':
        if (literal.kind !== 'number') throw mismatch(field.type === 'int' ? 'int' : 'double', false);
        return literal.value;
      case 'date':
        if (literal.kind !== 'date') throw mismatch('date', false);
        return literal.value;
      case 'datetime':
        if (literal.kind !== 'datetime') throw mismatch('dateTime', false);
        return new Date(literal.value).toISOString();
      case 'id':
      case 'reference': {
        if (literal.kind !== 'string') throw mismatch('string', true);
        // An Id filter accepts 15 or 18 characters; anything else is an invalid id.
        const id = normalizeId(literal.value);
        if (!id)
          throw new ApiError(400, 'INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${literal.value}`);
        return id;
      }
      default:
        if (literal.kind !== 'string') throw mismatch('string', true);
        return literal.value;
    }
  }

  condition(cond: Condition): string {
    switch (cond.kind) {
      case 'and':
      case 'or':
        return `(${this.condition(cond.left)} ${cond.kind.toUpperCase()} ${this.condition(cond.right)})`;
      case 'not':
        return `(NOT ${this.condition(cond.operand)})`;
      case 'compare': {
        const resolved = this.resolve(cond.field);
        const column = this.column(resolved);
        const value = this.bind(resolved.field, cond.value, cond.pos);
        if (value === null) {
          if (cond.op === '=') return `${column} IS NULL`;
          if (cond.op === '!=') return `${column} IS NOT NULL`;
          throw new ApiError(
            400,
            'MALFORMED_QUERY',
            malformed(this.source, cond.pos, `invalid operator on null`).message,
          );
        }
        this.params.push(value);
        if (cond.op === 'LIKE') return `${column} LIKE ? ESCAPE '\\'`;
        // In SOQL, `!=` also matches rows where the field is null.
        if (cond.op === '!=') return `(${column} IS NULL OR ${column} != ?)`;
        return `${column} ${cond.op} ?`;
      }
      case 'in': {
        const resolved = this.resolve(cond.field);
        const column = this.column(resolved);
        const values = cond.values.map((v) => this.bind(resolved.field, v, cond.pos));
        const nonNull = values.filter((v) => v !== null);
        const hasNull = nonNull.length !== values.length;
        this.params.push(...nonNull);
        const list = nonNull.length > 0 ? `${column} IN (${nonNull.map(() => '?').join(', ')})` : '0';
        if (cond.negated)
          return `(NOT (${list}) ${hasNull ? 'AND' : 'OR'} ${column} IS ${hasNull ? 'NOT ' : ''}NULL)`;
        return hasNull ? `(${list} OR ${column} IS NULL)` : list;
      }
    }
  }

  joinSql(): string {
    return [...this.joins.values()].map((j) => j.sql).join(' ');
  }

  joinAliases(): { relationships: string; alias: string; object: ObjectMeta }[] {
    return [...this.joins.entries()].map(([relationships, j]) => ({
      relationships,
      alias: j.alias,
      object: j.object,
    }));
  }
}

function recordAttributes(object: ObjectMeta, id: unknown, apiVersion: string) {
  return { type: object.name, url: `/services/data/${apiVersion}/sobjects/${object.name}/${String(id)}` };
}

/** Runs a SOQL SELECT and returns Salesforce's QueryResult shape. */
export function executeSoql(soql: string, options: QueryOptions): QueryResult {
  const query = parseSoql(soql);
  const compiler = new Compiler(soql, query, options.catalog);
  const selected = query.select.map((item) => compiler.resolve(item));
  const where: string[] = [];
  if (!options.includeDeleted) where.push(`t0."IsDeleted" = 0`);
  if (query.where) where.push(compiler.condition(query.where));
  const orderBy = query.orderBy.map((item) => {
    const column = compiler.column(compiler.resolve(item.field));
    return `${column} ${item.direction}${item.nulls ? ` NULLS ${item.nulls}` : ''}`;
  });
  if (query.offset !== null && query.offset > 2000) {
    throw new ApiError(400, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is 2000`);
  }
  // Each parent join also selects its Id, to tell an empty lookup (null) from a parent with null fields.
  const columns = [
    `t0."Id" AS "t0.Id"`,
    ...compiler.joinAliases().map((j) => `${j.alias}."Id" AS "${j.alias}.Id"`),
    ...selected.map((s, i) => `${compiler.column(s)} AS "c${i}"`),
  ];
  const sql = [
    `SELECT ${columns.join(', ')} FROM ${quoteIdent(compiler.root.name)} t0`,
    compiler.joinSql(),
    where.length ? `WHERE ${where.join(' AND ')}` : '',
    orderBy.length ? `ORDER BY ${orderBy.join(', ')}` : '',
    query.limit !== null ? `LIMIT ${query.limit}` : query.offset !== null ? 'LIMIT -1' : '',
    query.offset !== null ? `OFFSET ${query.offset}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const rows = options.db.prepare(sql).all(...compiler.params) as Record<string, StoredValue>[];
  const aliases = compiler.joinAliases();
  const records = rows.map((row) => {
    const record: Record<string, unknown> = {
      attributes: recordAttributes(compiler.root, row['t0.Id'], options.apiVersion),
    };
    selected.forEach((s, i) => {
      let target = record;
      let prefix = '';
      for (const relationship of s.relationships) {
        prefix = prefix ? `${prefix}.${relationship}` : relationship;
        const join = aliases.find((a) => a.relationships === prefix.toLowerCase());
        const parentId = join ? row[`${join.alias}.Id`] : null;
        if (parentId === null || parentId === undefined || !join) {
          target[relationship] = null;
          return;
        }
        const existing = target[relationship] as Record<string, unknown> | null | undefined;
        if (!existing) {
          target[relationship] = { attributes: recordAttributes(join.object, parentId, options.apiVersion) };
        }
        target = target[relationship] as Record<string, unknown>;
      }
      target[s.field.name] = toJson(s.field, row[`c${i}`]) as JsonValue;
    });
    return record;
  });
  return { totalSize: records.length, done: true, records };
}
