/**
 * The SOQL compiler: a parsed query becomes one SQL statement over the org's tables (plus one per
 * child subquery, run for all the page's parents at once), and a description of how rows become
 * Salesforce's records.
 *
 * What it covers:
 * - field lists with parent paths up to five relationships deep, `FIELDS(ALL|STANDARD|CUSTOM)`,
 *   `toLabel()`, `TYPEOF ... WHEN ... THEN ... ELSE ... END`, child subqueries (nested ones too);
 * - polymorphic lookups (`Owner` on Case, `Who`/`What` on Task and Event, any reference with several
 *   `referenceTo`) through Salesforce's `Name` entity. Each possible parent is LEFT JOINed on its key
 *   prefix; the fields allowed are {@link NAME_ENTITY_FIELDS}, each taken from the parent's own
 *   field of that name when it has one (null otherwise): `Name` is the parent's name field
 *   (CaseNumber for a Case), `Type` its object name (`Queue` for a Group), `NameOrAlias` a User's
 *   alias or another object's name. The nested object is typed `Name`, its url the real object's;
 * - WHERE and HAVING with `= != < <= > >= LIKE IN NOT IN INCLUDES EXCLUDES`, AND/OR/NOT (Salesforce
 *   refuses AND and OR mixed without parentheses), semi-joins and anti-joins at the top level,
 *   date and datetime literals, relative date literals as day ranges (UTC), date functions;
 * - ORDER BY with NULLS FIRST/LAST (picklists in their defined order), LIMIT, OFFSET up to 2000;
 * - COUNT(), aggregates, GROUP BY (also ROLLUP and CUBE), HAVING, aliases and `expr0..n`;
 * - `USING SCOPE mine`; `WITH SECURITY_ENFORCED|USER_MODE|SYSTEM_MODE` and `FOR VIEW|REFERENCE|UPDATE`
 *   are accepted and change nothing (the emulator has no field-level security or record locks).
 *
 * Storage conventions (src/store/database.ts) do the rest: NOCASE text columns make comparisons and
 * sorting case-insensitive (ASCII only: SQLite's NOCASE does not fold other letters), dates and
 * datetimes compare as ISO text. Every value is a bound parameter; identifiers come from the catalogue.
 */
import type { SQLInputValue } from 'node:sqlite';
import { normalizeId } from '../ids.ts';
import type { Catalog } from '../metadata/catalog.ts';
import { type FieldMeta, type FieldType, isVirtualCompound, type ObjectMeta } from '../metadata/types.ts';
import { quoteIdent } from '../store/database.ts';
import { compoundKey, type JsonValue } from '../store/values.ts';
import type {
  ComparisonOp,
  Condition,
  Expr,
  ExprItem,
  FieldPath,
  FunctionCall,
  Literal,
  OrderItem,
  Pos,
  SelectQuery,
  SubqueryItem,
  TypeofItem,
} from './ast.ts';
import { dateLiteralRange } from './date-literals.ts';
import {
  filterTypeMismatch,
  noSuchColumn,
  queryError,
  unknownChildRelationship,
  unknownObject,
  unknownParentRelationship,
} from './errors.ts';
import { DEFAULT_LOCALE, localizer, type UserLocale } from './format.ts';
import { SOQL_LIKE } from './like.ts';

/** What the compiler needs besides the query. */
export interface CompileOptions {
  catalog: Catalog;
  /** The org's clock: date literals (`TODAY`, `LAST_N_DAYS:7`) are relative to it, in UTC. */
  now: Date;
  /** queryAll: soft-deleted rows are included. */
  includeDeleted: boolean;
  /** The running user, for `USING SCOPE mine`. */
  userId?: string | null;
  /**
   * An extra top-level filter in SQL, given the queried table's alias and a way to bind values:
   * SOSL uses it to keep a RETURNING clause's rows to those its full-text index matched.
   */
  restrict?: (alias: string, bind: (value: SQLInputValue) => string) => string;
  /**
   * An order for a top-level query without ORDER BY, ascending (SOSL orders records by relevance),
   * given the queried table's alias and a way to bind values; null for none.
   */
  relevance?: (alias: string, bind: (value: SQLInputValue) => string) => string | null;
  /** The running user's locale and time zone, for FORMAT() (default en_US, America/Los_Angeles). */
  locale?: UserLocale;
}

/**
 * A parent reached through a relationship (`Account`, `Account.Owner`). A polymorphic relationship
 * (Case.Owner → User or Group, Task.What → Account, Opportunity, ...) joins each possible parent and
 * exposes the `Name` entity's fields.
 */
export interface JoinNode {
  /** Lower-cased path from the queried object, `account.owner`. */
  key: string;
  /** The relationship name in metadata case, the key of the nested object in results. */
  name: string;
  /** The reference field the relationship follows (`AccountId` for `Account`). */
  foreignKey: string;
  parent: JoinNode | null;
  /** For a plain lookup: the parent object and its table alias. */
  object: ObjectMeta | null;
  alias: string | null;
  /** For a polymorphic lookup: each possible parent with its alias. */
  targets: { object: ObjectMeta; alias: string }[];
  /** SQL for the parent's Id: null when the lookup is empty (or dangles). */
  idSql: string;
  /** SQL for the parent's object name (polymorphic lookups only). */
  typeSql: string | null;
  /** Result column names for the Id and type. */
  idColumn: string;
  typeColumn: string;
}

/** One value of a result record: `Name`, or `Account.Owner.Name` nested under its parents. */
export interface ValueOutput {
  kind: 'value';
  key: string;
  column: string;
  field: FieldMeta;
  /** The SQL expression behind the column. */
  sql: string;
  nodes: JoinNode[];
  /** `toLabel(Status)`: values mapped to picklist labels. */
  labels: Map<string, string> | null;
  /** `FORMAT(Amount)`: values as the user's locale shows them. */
  localize?: (value: JsonValue) => JsonValue;
}

/** A child relationship subquery's result. */
export interface ChildOutput {
  kind: 'child';
  key: string;
  plan: ChildPlan;
}

/** `TYPEOF What WHEN Account THEN ... END`: the fields depend on the parent's type. */
export interface TypeofOutput {
  kind: 'typeof';
  key: string;
  nodes: JoinNode[];
  node: JoinNode;
  branches: Map<string, ValueOutput[]>;
  otherwise: ValueOutput[] | null;
}

export type Output = ValueOutput | ChildOutput | TypeofOutput;

/** How to turn one SQL row into a record: shared by top-level and child queries. */
export interface RecordShape {
  object: ObjectMeta;
  outputs: Output[];
  /** Join nodes whose Id (and type) columns the SQL selects. */
  nodes: JoinNode[];
  children: ChildOutput[];
}

/** A parent-to-child subquery, run once per page for all the parents' ids. */
export interface ChildPlan extends RecordShape {
  relationshipName: string;
  /** SQL with the `:parentIds` parameter (a JSON array); rows carry `_fk`, the parent's Id. */
  sql: string;
  params: Record<string, SQLInputValue>;
}

export interface RecordsPlan extends RecordShape {
  kind: 'records';
  sql: string;
  params: Record<string, SQLInputValue>;
  /** A query with OFFSET returns one batch only; the rest is not reachable through a locator. */
  hasOffset: boolean;
}

/** `SELECT COUNT() FROM ...`: the count is `totalSize`, with no records. */
export interface CountPlan {
  kind: 'count';
  object: ObjectMeta;
  sql: string;
  params: Record<string, SQLInputValue>;
}

export interface AggregateOutput {
  key: string;
  column: string;
  format: (value: unknown) => unknown;
  /** The field behind the value (for a function, its argument's field with the result's type). */
  field: FieldMeta;
  /** True for an aggregate or other function, false for a grouped field. */
  aggregate: boolean;
  /** The function as written (`avg(Amount)`), or the field's name. */
  display: string;
}

/** A query with aggregate functions or GROUP BY: rows are AggregateResults. */
export interface AggregatePlan {
  kind: 'aggregate';
  object: ObjectMeta;
  grouped: boolean;
  sql: string;
  params: Record<string, SQLInputValue>;
  outputs: AggregateOutput[];
}

export type QueryPlan = RecordsPlan | CountPlan | AggregatePlan;

const AGGREGATES = new Set(['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX']);

const DATE_FUNCTIONS = new Set([
  'CALENDAR_MONTH',
  'CALENDAR_QUARTER',
  'CALENDAR_YEAR',
  'DAY_IN_MONTH',
  'DAY_IN_WEEK',
  'DAY_IN_YEAR',
  'DAY_ONLY',
  'FISCAL_MONTH',
  'FISCAL_QUARTER',
  'FISCAL_YEAR',
  'HOUR_IN_DAY',
  'WEEK_IN_MONTH',
  'WEEK_IN_YEAR',
]);

/**
 * The fields Salesforce's `Name` entity offers through a polymorphic relationship (`Owner.Name` on
 * Case, `Who.Email` on Task). Each takes its value from the parent's own field of that name when the
 * parent's object has one (`Name` from the object's name field, so `What.Name` on a Case parent is the
 * CaseNumber), and is null otherwise. `Type` is the parent's object name, `Queue` for a Group.
 */
export const NAME_ENTITY_FIELDS = [
  'Id',
  'Name',
  'Type',
  'Alias',
  'Email',
  'FirstName',
  'LastName',
  'MiddleName',
  'Suffix',
  'IsActive',
  'Phone',
  'Title',
  'Username',
  'CommunityNickname',
  'UserRoleId',
  'ProfileId',
  'RecordTypeId',
  'LastReferencedDate',
  'LastViewedDate',
  'SmallPhotoUrl',
  'MediumPhotoUrl',
  'NameOrAlias',
] as const;

/** Salesforce allows five levels of child-to-parent relationships in one path. */
const MAX_PARENT_DEPTH = 5;

const TEXT_TYPES = new Set<FieldType>([
  'string',
  'textarea',
  'email',
  'phone',
  'url',
  'picklist',
  'multipicklist',
  'combobox',
  'time',
]);
const NUMBER_TYPES = new Set<FieldType>(['int', 'double', 'currency', 'percent']);

/** A typed SQL expression: a column, a function of one, or an aggregate. */
interface Operand {
  sql: string;
  type: FieldType;
  /** The field behind it, for messages and output formatting. */
  field: FieldMeta;
  /** The name Salesforce uses for it in messages (`Name`, `Account.Name`). */
  label: string;
  /** A plain column carries its table's collation; an expression needs COLLATE NOCASE for text. */
  plain: boolean;
  /** For paths: the join nodes from the queried object to the field. */
  nodes: JoinNode[];
  aggregate: boolean;
  pos: Pos;
  /** For Id and reference fields: the objects their values point to. */
  pointsTo?: string[];
}

/** Parameters and aliases shared by every scope of one SQL statement. */
class Statement {
  readonly params: Record<string, SQLInputValue> = {};
  private paramCount = 0;
  private aliasCount = 0;

  bind(value: SQLInputValue): string {
    const name = `p${this.paramCount++}`;
    this.params[name] = value;
    return `:${name}`;
  }

  alias(): string {
    return `t${this.aliasCount++}`;
  }
}

function syntheticField(template: FieldMeta, name: string, type: FieldType): FieldMeta {
  return {
    ...template,
    name,
    label: name,
    type,
    nillable: true,
    filterable: true,
    sortable: true,
    groupable: true,
    referenceTo: [],
    relationshipName: null,
    childRelationshipName: null,
    picklistValues: [],
    compound: null,
    formula: null,
  };
}

const isTextType = (type: FieldType) => TEXT_TYPES.has(type);

/** One FROM level: the queried object, its joins and how paths resolve against it. */
class Scope {
  readonly object: ObjectMeta;
  readonly alias: string;
  private readonly fromAlias: string | null;
  private readonly joins = new Map<string, JoinNode>();
  private readonly joinSql: string[] = [];
  private readonly compiler: Compiler;

  constructor(compiler: Compiler, object: ObjectMeta, fromAlias: string | null) {
    this.compiler = compiler;
    this.object = object;
    this.fromAlias = fromAlias;
    this.alias = compiler.statement.alias();
  }

  get from(): string {
    return [`${quoteIdent(this.object.name)} ${this.alias}`, ...this.joinSql].join(' ');
  }

  /** The clause that hides soft-deleted rows (nothing for queryAll). */
  liveFilter(): string[] {
    return this.compiler.options.includeDeleted ? [] : [`${this.alias}."IsDeleted" = 0`];
  }

  private get catalog(): Catalog {
    return this.compiler.options.catalog;
  }

  /** Strips a leading `Account.` (the object's name or the FROM alias) from a path. */
  private ownPath(ref: FieldPath): string[] {
    const [first, ...rest] = ref.path;
    if (rest.length === 0 || first === undefined) return ref.path;
    const lower = first.toLowerCase();
    if (this.fromAlias && lower === this.fromAlias.toLowerCase()) return rest;
    if (lower === this.object.name.toLowerCase() && !this.catalog.parentRelationship(this.object, first)) {
      return rest;
    }
    return ref.path;
  }

  private parentReference(object: ObjectMeta, segment: string): FieldMeta | undefined {
    const found = this.catalog.parentRelationship(object, segment);
    if (found) return found;
    // A custom lookup `Foo__c` is reached as `Foo__r` even when its metadata names no relationship.
    if (/__r$/i.test(segment)) {
      const field = this.catalog.field(object, segment.replace(/__r$/i, '__c'));
      if (field?.type === 'reference' && !field.relationshipName) return field;
    }
    return undefined;
  }

  /** The join node for a relationship, created (with its LEFT JOINs) on first use. */
  join(parent: JoinNode | null, reference: FieldMeta, pos: Pos): JoinNode {
    const relationshipName = reference.relationshipName ?? reference.name.replace(/__c$/i, '__r');
    const key = parent ? `${parent.key}.${relationshipName.toLowerCase()}` : relationshipName.toLowerCase();
    const existing = this.joins.get(key);
    if (existing) return existing;
    const fromAlias = parent ? parent.alias : this.alias;
    if (!fromAlias) throw unknownParentRelationship(this.compiler.source, pos, relationshipName);
    const foreignKey = `${fromAlias}.${quoteIdent(reference.name)}`;
    const index = this.joins.size;
    const targets = reference.referenceTo
      .map((name) => this.catalog.object(name))
      .filter((o): o is ObjectMeta => o !== undefined);
    if (targets.length === 0) throw unknownParentRelationship(this.compiler.source, pos, relationshipName);
    let node: JoinNode;
    if (reference.referenceTo.length === 1) {
      const object = targets[0] as ObjectMeta;
      const alias = this.compiler.statement.alias();
      this.joinSql.push(`LEFT JOIN ${quoteIdent(object.name)} ${alias} ON ${alias}."Id" = ${foreignKey}`);
      node = {
        key,
        name: relationshipName,
        foreignKey: reference.name,
        parent,
        object,
        alias,
        targets: [],
        idSql: `${alias}."Id"`,
        typeSql: null,
        idColumn: `_j${this.alias}_${index}`,
        typeColumn: `_y${this.alias}_${index}`,
      };
    } else {
      // Each possible parent is joined only for ids with its key prefix, so that each row probes one
      // primary key index whatever the number of parent types.
      const joined = targets.map((object) => {
        const alias = this.compiler.statement.alias();
        this.joinSql.push(
          `LEFT JOIN ${quoteIdent(object.name)} ${alias} ON substr(${foreignKey}, 1, 3) = '${object.keyPrefix}' AND ${alias}."Id" = ${foreignKey}`,
        );
        return { object, alias };
      });
      node = {
        key,
        name: relationshipName,
        foreignKey: reference.name,
        parent,
        object: null,
        alias: null,
        targets: joined,
        idSql: `COALESCE(${joined.map((t) => `${t.alias}."Id"`).join(', ')})`,
        typeSql: `CASE ${joined.map((t) => `WHEN ${t.alias}."Id" IS NOT NULL THEN '${t.object.name}'`).join(' ')} END`,
        idColumn: `_j${this.alias}_${index}`,
        typeColumn: `_y${this.alias}_${index}`,
      };
    }
    this.joins.set(key, node);
    return node;
  }

  /** Resolves `Name`, `Account.Name`, `Account.Owner.Name`, `Owner.Name` (polymorphic) to SQL. */
  resolve(ref: FieldPath): Operand {
    const path = this.ownPath(ref);
    const source = this.compiler.source;
    let object: ObjectMeta = this.object;
    let node: JoinNode | null = null;
    const nodes: JoinNode[] = [];
    const relationships = path.slice(0, -1);
    if (relationships.length > MAX_PARENT_DEPTH) {
      // (unconfirmed) Salesforce's wording for a path deeper than five levels.
      throw queryError(
        'MALFORMED_QUERY',
        source,
        ref.pos,
        `A driving SObject type can only be followed by up to ${MAX_PARENT_DEPTH} levels of relationship fields`,
      );
    }
    for (const segment of relationships) {
      // The `Name` entity of a polymorphic lookup has no relationships of its own.
      if (node && !node.object) throw unknownParentRelationship(source, ref.pos, segment);
      const reference = this.parentReference(object, segment);
      if (!reference) throw unknownParentRelationship(source, ref.pos, segment);
      node = this.join(node, reference, ref.pos);
      nodes.push(node);
      if (node.object) object = node.object;
    }
    const name = path.at(-1) as string;
    const label = ref.path.join('.');
    if (node && !node.object) return this.nameEntityField(node, nodes, name, ref.pos, label);
    const field = this.catalog.field(object, name);
    if (!field) throw noSuchColumn(source, ref.pos, name, object.name);
    const alias = node ? (node.alias as string) : this.alias;
    return {
      sql: isVirtualCompound(field)
        ? compoundSql(object, field, alias)
        : `${alias}.${quoteIdent(field.name)}`,
      type: field.type,
      field,
      label,
      plain: true,
      nodes,
      aggregate: false,
      pos: ref.pos,
      pointsTo: field.type === 'id' ? [object.name] : field.referenceTo,
    };
  }

  private nameEntityField(node: JoinNode, nodes: JoinNode[], name: string, pos: Pos, label: string): Operand {
    const canonical = NAME_ENTITY_FIELDS.find((f) => f.toLowerCase() === name.toLowerCase());
    if (!canonical) throw noSuchColumn(this.compiler.source, pos, name, 'Name');
    const template = this.object.fields[0] as FieldMeta;
    const operand = (sql: string, field: FieldMeta): Operand => ({
      sql,
      type: field.type,
      field,
      label,
      plain: false,
      nodes,
      aggregate: false,
      pos,
    });
    if (canonical === 'Id') {
      return {
        ...operand(node.idSql, syntheticField(template, 'Id', 'id')),
        pointsTo: node.targets.map((t) => t.object.name),
      };
    }
    if (canonical === 'Type') {
      const cases = node.targets.map(
        (t) =>
          `WHEN ${t.alias}."Id" IS NOT NULL THEN '${t.object.name === 'Group' ? 'Queue' : t.object.name}'`,
      );
      return operand(`CASE ${cases.join(' ')} END`, syntheticField(template, 'Type', 'string'));
    }
    const parts: string[] = [];
    let field: FieldMeta | undefined;
    for (const target of node.targets) {
      const own =
        canonical === 'Name'
          ? (target.object.fields.find((f) => f.nameField) ?? this.catalog.field(target.object, 'Name'))
          : canonical === 'NameOrAlias'
            ? (this.catalog.field(target.object, 'Alias') ?? target.object.fields.find((f) => f.nameField))
            : this.catalog.field(target.object, canonical);
      if (!own) continue;
      parts.push(`${target.alias}.${quoteIdent(own.name)}`);
      field ??= own;
    }
    const type: FieldType = field?.type ?? 'string';
    const sql =
      parts.length === 0
        ? 'NULL'
        : parts.length === 1
          ? (parts[0] as string)
          : `COALESCE(${parts.join(', ')})`;
    return operand(sql, syntheticField(field ?? template, canonical, type === 'id' ? 'reference' : type));
  }

  /** The join node of a polymorphic relationship named by a TYPEOF. */
  polymorphicNode(ref: FieldPath): { node: JoinNode; nodes: JoinNode[] } {
    const path = this.ownPath(ref);
    let object: ObjectMeta = this.object;
    let node: JoinNode | null = null;
    const nodes: JoinNode[] = [];
    for (const segment of path) {
      if (node && !node.object) throw unknownParentRelationship(this.compiler.source, ref.pos, segment);
      const reference = this.parentReference(object, segment);
      if (!reference) throw unknownParentRelationship(this.compiler.source, ref.pos, segment);
      node = this.join(node, reference, ref.pos);
      nodes.push(node);
      if (node.object) object = node.object;
    }
    if (!node || node.object) {
      // (unconfirmed) TYPEOF on a lookup with one possible type.
      throw queryError(
        'MALFORMED_QUERY',
        this.compiler.source,
        ref.pos,
        `TYPEOF can only be used with a polymorphic relationship: ${ref.path.join('.')}`,
      );
    }
    return { node, nodes };
  }
}

/** Compiles one parsed SOQL query into a SQL plan. */
class Compiler {
  readonly source: string;
  readonly options: CompileOptions;
  readonly statement = new Statement();
  /** True while compiling a semi-join's inner WHERE: semi-joins do not nest. */
  private inSemiJoin = false;

  constructor(source: string, options: CompileOptions) {
    this.source = source;
    this.options = options;
  }

  private error(code: string, pos: Pos, detail: string) {
    return queryError(code, this.source, pos, detail);
  }

  private object(name: string, pos: Pos): ObjectMeta {
    const object = this.options.catalog.object(name);
    if (!object?.queryable) throw unknownObject(this.source, pos, name);
    return object;
  }

  compileTop(query: SelectQuery): QueryPlan {
    const scope = new Scope(this, this.object(query.from.name, query.from.pos), query.from.alias);
    if (query.offset && query.offset.value > 2000) {
      throw this.error('NUMBER_OUTSIDE_VALID_RANGE', query.offset.pos, 'Maximum SOQL offset allowed is 2000');
    }
    const countItem = query.select.find(
      (item): item is ExprItem =>
        item.kind === 'expr' &&
        item.expr.kind === 'call' &&
        item.expr.name === 'COUNT' &&
        item.expr.args.length === 0,
    );
    this.checkKnowledgeFilter(query, scope.object);
    if (countItem) return this.countPlan(query, scope, countItem);
    if (isAggregateQuery(query)) return this.aggregatePlan(query, scope);
    return { kind: 'records', ...this.recordsSql(query, scope, null), hasOffset: query.offset !== null };
  }

  /**
   * Salesforce only queries article versions filtered on one Id, a list of Ids or a publish status,
   * in a top-level AND. `WITH DATA CATEGORY` is accepted; the emulator has no data categories, so it
   * filters nothing (unconfirmed: an org without categories may refuse it).
   */
  private checkKnowledgeFilter(query: SelectQuery, object: ObjectMeta): void {
    if (object.name !== 'KnowledgeArticleVersion' && !object.name.endsWith('__kav')) return;
    const terms = query.where?.kind === 'and' ? query.where.operands : query.where ? [query.where] : [];
    const named = (expr: Expr, name: string) =>
      expr.kind === 'field' &&
      (expr.path.at(-1) ?? '').toLowerCase() === name.toLowerCase() &&
      expr.path.length <= 2;
    const ok = terms.some(
      (term) =>
        (term.kind === 'compare' &&
          term.op === '=' &&
          (named(term.left, 'PublishStatus') || named(term.left, 'Id'))) ||
        (term.kind === 'in' && !term.negated && named(term.left, 'Id')),
    );
    if (!ok) {
      throw this.error(
        'MALFORMED_QUERY',
        query.from.pos,
        `Implementation restriction: When querying or searching the ${object.name} object, you must filter using the following syntax: Id = [single ID], Id IN [list of ID's], or PublishStatus = [status]. In addition PublishStatus is only permitted in a top-level AND condition.`,
      );
    }
  }

  // ---------------------------------------------------------------- records

  /**
   * The SELECT for a records query. For a child subquery `foreignKey` names the lookup to the parent:
   * rows are filtered to the parents in `:parentIds` and carry `_fk`.
   */
  private recordsSql(
    query: SelectQuery,
    scope: Scope,
    foreignKey: FieldMeta | null,
  ): RecordShape & { sql: string; params: Record<string, SQLInputValue> } {
    const shape = this.selectList(query, scope);
    const where = this.whereClause(query, scope);
    if (!foreignKey && this.options.restrict) {
      where.push(this.options.restrict(scope.alias, (value) => this.statement.bind(value)));
    }
    if (foreignKey) {
      where.unshift(
        `${scope.alias}.${quoteIdent(foreignKey.name)} IN (SELECT value FROM json_each(:parentIds))`,
      );
    }
    const orderBy = query.orderBy.map((item) => this.orderTerm(item, scope, null));
    if (!foreignKey && orderBy.length === 0 && this.options.relevance) {
      const relevance = this.options.relevance(scope.alias, (value) => this.statement.bind(value));
      if (relevance) orderBy.push(`${relevance} ASC NULLS LAST`, `${scope.alias}."Id" ASC`);
    }
    const columns = [`${scope.alias}."Id" AS "_id"`];
    if (foreignKey) columns.push(`${scope.alias}.${quoteIdent(foreignKey.name)} AS "_fk"`);
    for (const node of shape.nodes) {
      columns.push(`${node.idSql} AS "${node.idColumn}"`);
      if (node.typeSql) columns.push(`${node.typeSql} AS "${node.typeColumn}"`);
    }
    for (const output of shape.outputs) {
      if (output.kind === 'value') columns.push(`${output.sql} AS "${output.column}"`);
      if (output.kind === 'typeof') {
        for (const value of [...output.branches.values(), output.otherwise ?? []].flat()) {
          columns.push(`${value.sql} AS "${value.column}"`);
        }
      }
    }
    const limit = query.limit?.value ?? null;
    const offset = query.offset?.value ?? null;
    let sql: string;
    if (foreignKey && (limit !== null || offset !== null)) {
      // LIMIT and OFFSET in a child subquery apply per parent: number the rows of each parent.
      const order = orderBy.length > 0 ? orderBy.join(', ') : `${scope.alias}."Id"`;
      columns.push(
        `ROW_NUMBER() OVER (PARTITION BY ${scope.alias}.${quoteIdent(foreignKey.name)} ORDER BY ${order}) AS "_rn"`,
      );
      const bounds = [`"_rn" > ${offset ?? 0}`];
      if (limit !== null) bounds.push(`"_rn" <= ${(offset ?? 0) + limit}`);
      sql = `SELECT * FROM (SELECT ${columns.join(', ')} FROM ${scope.from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}) WHERE ${bounds.join(' AND ')} ORDER BY "_fk", "_rn"`;
    } else {
      // With OFFSET, Salesforce returns a single batch: at most 2000 rows.
      const effectiveLimit = offset !== null ? Math.min(limit ?? 2000, 2000) : limit;
      sql = [
        `SELECT ${columns.join(', ')} FROM ${scope.from}`,
        where.length ? `WHERE ${where.join(' AND ')}` : '',
        orderBy.length ? `ORDER BY ${orderBy.join(', ')}` : '',
        effectiveLimit !== null ? `LIMIT ${effectiveLimit}` : '',
        offset !== null ? `OFFSET ${offset}` : '',
      ]
        .filter(Boolean)
        .join(' ');
    }
    const { outputs } = shape;
    return {
      object: scope.object,
      outputs,
      nodes: shape.nodes,
      children: outputs.filter((o): o is ChildOutput => o.kind === 'child'),
      sql,
      params: this.statement.params,
    };
  }

  private whereClause(query: SelectQuery, scope: Scope): string[] {
    const where = scope.liveFilter();
    if (query.where) where.push(this.condition(query.where, scope, 'where', false));
    if (
      query.scope === 'mine' &&
      this.options.userId &&
      this.options.catalog.field(scope.object, 'OwnerId')
    ) {
      where.push(`${scope.alias}."OwnerId" = ${this.statement.bind(this.options.userId)}`);
    }
    return where;
  }

  private selectList(query: SelectQuery, scope: Scope): { outputs: Output[]; nodes: JoinNode[] } {
    const outputs: Output[] = [];
    const seen = new Set<string>();
    const nodes: JoinNode[] = [];
    const addNodes = (list: JoinNode[]) => {
      for (const node of list) if (!nodes.includes(node)) nodes.push(node);
    };
    const addValue = (
      operand: Operand,
      item: { pos: Pos },
      key: string,
      labels: Map<string, string> | null,
      quiet: boolean,
      localized = false,
    ) => {
      const identity = `${operand.nodes.map((n) => n.key).join('.')}|${key.toLowerCase()}`;
      if (seen.has(identity)) {
        if (quiet) return;
        // (unconfirmed) the error code; the wording is Salesforce's.
        throw this.error('MALFORMED_QUERY', item.pos, `duplicate field selected: ${operand.label}`);
      }
      seen.add(identity);
      addNodes(operand.nodes);
      outputs.push({
        kind: 'value',
        key,
        column: `c${outputs.length}`,
        field: operand.field,
        nodes: operand.nodes,
        labels,
        sql: operand.sql,
        ...(localized ? { localize: localizer(operand.field, this.options.locale ?? DEFAULT_LOCALE) } : {}),
      });
    };
    for (const item of query.select) {
      switch (item.kind) {
        case 'expr': {
          const { expr } = item;
          if (expr.kind === 'field') {
            if (item.alias !== null && item.aliasPos) {
              throw this.error('MALFORMED_QUERY', item.aliasPos, `unexpected token: '${item.alias}'`);
            }
            const operand = scope.resolve(expr);
            addValue(operand, item, operand.field.name, null, false);
            break;
          }
          const fn = expr.name;
          if ((fn === 'TOLABEL' || fn === 'CONVERTCURRENCY' || fn === 'FORMAT') && expr.args.length === 1) {
            const arg = expr.args[0] as Expr;
            if (arg.kind !== 'field') throw this.error('MALFORMED_QUERY', arg.pos, `unexpected token: '('`);
            const operand = scope.resolve(arg);
            // convertCurrency converts to the user's currency: the org has one, so values stay.
            const labels =
              fn === 'TOLABEL'
                ? new Map(operand.field.picklistValues.map((p) => [p.value.toLowerCase(), p.label]))
                : null;
            addValue(operand, item, item.alias ?? operand.field.name, labels, false, fn === 'FORMAT');
            break;
          }
          throw this.error('MALFORMED_QUERY', expr.pos, `Unknown function: ${expr.name}`);
        }
        case 'fields': {
          if (item.scope !== 'STANDARD' && (query.limit === null || query.limit.value > 200)) {
            throw this.error(
              'MALFORMED_QUERY',
              item.pos,
              'The SOQL FIELDS function must have a LIMIT of at most 200',
            );
          }
          for (const field of scope.object.fields) {
            if (item.scope === 'CUSTOM' && !field.custom) continue;
            if (item.scope === 'STANDARD' && field.custom) continue;
            const operand = scope.resolve({ kind: 'field', path: [field.name], pos: item.pos });
            addValue(operand, item, field.name, null, true);
          }
          break;
        }
        case 'subquery': {
          const key = item.query.from.name.toLowerCase();
          if (seen.has(`child|${key}`)) {
            throw this.error(
              'MALFORMED_QUERY',
              item.pos,
              `duplicate field selected: ${item.query.from.name}`,
            );
          }
          seen.add(`child|${key}`);
          const plan = this.childPlan(item, scope);
          outputs.push({ kind: 'child', key: plan.relationshipName, plan });
          break;
        }
        case 'typeof': {
          const output = this.typeofOutput(item, scope, outputs.length);
          addNodes(output.nodes);
          outputs.push(output);
          break;
        }
      }
    }
    // A TYPEOF relationship cannot also be selected through plain paths (`What.Name`): both would
    // shape the same nested object.
    for (const output of outputs) {
      if (output.kind !== 'typeof') continue;
      const clash = outputs.find(
        (o) => o.kind !== 'typeof' && o.kind === 'value' && o.nodes.includes(output.node),
      );
      if (clash) {
        const item = query.select.find(
          (i) =>
            i.kind === 'typeof' &&
            i.field.path.join('.').toLowerCase().endsWith(output.node.name.toLowerCase()),
        );
        // (unconfirmed) wording.
        throw this.error(
          'MALFORMED_QUERY',
          item?.pos ?? query.pos,
          `TYPEOF field ${output.node.name} cannot also be referenced in the field list`,
        );
      }
    }
    return { outputs, nodes };
  }

  private typeofOutput(item: TypeofItem, scope: Scope, index: number): TypeofOutput {
    const { node, nodes } = scope.polymorphicNode(item.field);
    let n = 0;
    const column = () => `c${index}_${n++}`;
    const branches = new Map<string, ValueOutput[]>();
    for (const when of item.whens) {
      const target = node.targets.find((t) => t.object.name.toLowerCase() === when.type.toLowerCase());
      if (!target) throw unknownObject(this.source, when.typePos, when.type);
      branches.set(
        target.object.name,
        when.fields.map((ref) => {
          if (ref.path.length !== 1)
            throw unknownParentRelationship(this.source, ref.pos, ref.path[0] as string);
          const field = this.options.catalog.field(target.object, ref.path[0] as string);
          if (!field) throw noSuchColumn(this.source, ref.pos, ref.path[0] as string, target.object.name);
          return {
            kind: 'value' as const,
            key: field.name,
            column: column(),
            field,
            nodes: [],
            labels: null,
            sql: `${target.alias}.${quoteIdent(field.name)}`,
          };
        }),
      );
    }
    const otherwise =
      item.otherwise?.map((ref) => {
        const operand = scope.resolve({
          kind: 'field',
          path: [...item.field.path, ...ref.path],
          pos: ref.pos,
        });
        return {
          kind: 'value' as const,
          key: operand.field.name,
          column: column(),
          field: operand.field,
          nodes: [],
          labels: null,
          sql: operand.sql,
        };
      }) ?? null;
    return { kind: 'typeof', key: node.name, nodes, node, branches, otherwise };
  }

  private childPlan(item: SubqueryItem, parentScope: Scope): ChildPlan {
    const { query } = item;
    const relationship = this.options.catalog.childRelationship(parentScope.object, query.from.name);
    if (!relationship?.relationshipName)
      throw unknownChildRelationship(this.source, query.from.pos, query.from.name);
    const object = this.object(relationship.childSObject, query.from.pos);
    const foreignKey = this.options.catalog.field(object, relationship.field) as FieldMeta;
    if (isAggregateQuery(query)) {
      // (unconfirmed) wording.
      throw this.error('MALFORMED_QUERY', item.pos, 'Aggregate functions are not supported in a subquery');
    }
    const compiler = new Compiler(this.source, this.options);
    const scope = new Scope(compiler, object, query.from.alias);
    const plan = compiler.recordsSql(query, scope, foreignKey);
    return { ...plan, relationshipName: relationship.relationshipName };
  }

  private countPlan(query: SelectQuery, scope: Scope, countItem: ExprItem): CountPlan {
    if (query.select.length > 1) {
      const other = query.select.find((item) => item !== countItem) as { pos: Pos };
      // (unconfirmed) wording.
      throw this.error('MALFORMED_QUERY', other.pos, 'COUNT() cannot be used with other fields');
    }
    if (query.orderBy.length > 0) {
      throw this.error(
        'MALFORMED_QUERY',
        query.orderBy[0]?.expr.pos as Pos,
        'ORDER BY cannot be used with COUNT()',
      );
    }
    const where = this.whereClause(query, scope);
    let inner = `SELECT 1 FROM ${scope.from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    if (query.groupBy) {
      inner += ` GROUP BY ${query.groupBy.items.map((e) => this.groupOperand(e, scope).sql).join(', ')}`;
    }
    if (query.limit) inner += ` LIMIT ${query.limit.value}`;
    if (query.offset) inner += `${query.limit ? '' : ' LIMIT -1'} OFFSET ${query.offset.value}`;
    return {
      kind: 'count',
      object: scope.object,
      sql: `SELECT COUNT(*) AS n FROM (${inner})`,
      params: this.statement.params,
    };
  }

  // ---------------------------------------------------------------- aggregates

  private groupOperand(expr: Expr, scope: Scope): Operand {
    const operand = this.operand(expr, scope, 'group');
    if (operand.aggregate) {
      throw this.error(
        'MALFORMED_QUERY',
        expr.pos,
        `Grouped field should not be aggregated: ${operand.label}`,
      );
    }
    if (!operand.field.groupable && expr.kind === 'field') {
      throw this.error(
        'INVALID_FIELD',
        expr.pos,
        `field '${operand.field.name}' can not be grouped in a query call`,
      );
    }
    return operand;
  }

  private aggregatePlan(query: SelectQuery, scope: Scope): AggregatePlan {
    const groups = (query.groupBy?.items ?? []).map((expr) => this.groupOperand(expr, scope));
    const groupSql = groups.map((g) => g.sql);
    const outputs: AggregateOutput[] = [];
    const selectColumns: { sql: string; column: string; groupIndex: number | null }[] = [];
    const keys = new Set<string>();
    let exprCount = 0;
    for (const item of query.select) {
      if (item.kind !== 'expr') {
        throw this.error('MALFORMED_QUERY', item.pos, 'Field must be grouped or aggregated');
      }
      const operand = this.operand(item.expr, scope, 'select');
      const groupIndex = operand.aggregate ? null : groupSql.indexOf(operand.sql);
      if (!operand.aggregate && groupIndex === -1) {
        throw this.error(
          'MALFORMED_QUERY',
          item.pos,
          `Field must be grouped or aggregated: ${operand.label}`,
        );
      }
      // Unaliased aggregates and functions are expr0, expr1, ...; a grouped field keeps its name.
      const isFunction = item.expr.kind === 'call';
      const key = item.alias ?? (isFunction ? `expr${exprCount++}` : operand.field.name);
      if (keys.has(key.toLowerCase())) {
        throw this.error('MALFORMED_QUERY', item.aliasPos ?? item.pos, `duplicate alias: ${key}`);
      }
      keys.add(key.toLowerCase());
      const column = `a${outputs.length}`;
      selectColumns.push({ sql: operand.sql, column, groupIndex });
      const format = formatter(operand);
      const localize =
        item.expr.kind === 'call' && item.expr.name === 'FORMAT'
          ? localizer(operand.field, this.options.locale ?? DEFAULT_LOCALE)
          : null;
      outputs.push({
        key,
        column,
        format: localize ? (value) => localize(format(value) as JsonValue) : format,
        field: { ...operand.field, type: operand.type },
        aggregate: isFunction,
        display: item.expr.kind === 'call' ? item.expr.text : operand.field.name,
      });
    }
    const where = this.whereClause(query, scope);
    const having = query.having ? this.condition(query.having, scope, 'having', false, groupSql) : null;
    const orderBy = query.orderBy.map((item) => this.orderTerm(item, scope, groupSql));
    const tail = [
      orderBy.length ? `ORDER BY ${orderBy.join(', ')}` : '',
      query.limit ? `LIMIT ${query.limit.value}` : query.offset ? 'LIMIT -1' : '',
      query.offset ? `OFFSET ${query.offset.value}` : '',
    ];
    const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
    const kind = query.groupBy?.kind ?? 'plain';
    if (kind === 'plain') {
      const sql = [
        `SELECT ${selectColumns.map((c) => `${c.sql} AS "${c.column}"`).join(', ')} FROM ${scope.from}${whereSql}`,
        groupSql.length ? `GROUP BY ${groupSql.join(', ')}` : '',
        having ? `HAVING ${having}` : '',
        ...tail,
      ]
        .filter(Boolean)
        .join(' ');
      return {
        kind: 'aggregate',
        object: scope.object,
        grouped: query.groupBy !== null,
        sql,
        params: this.statement.params,
        outputs,
      };
    }
    // SQLite has no ROLLUP or CUBE: each grouping set is its own GROUP BY, stitched with UNION ALL.
    // Subtotal rows have null for the fields they roll up and sort after the rows they sum.
    const sets: number[][] = [];
    const n = groupSql.length;
    if (kind === 'rollup') for (let k = n; k >= 0; k--) sets.push([...Array(k).keys()]);
    else
      for (let mask = (1 << n) - 1; mask >= 0; mask--)
        sets.push([...Array(n).keys()].filter((i) => mask & (1 << (n - 1 - i))));
    const branches = sets.map((set) => {
      const columns = selectColumns.map((c) =>
        c.groupIndex !== null && !set.includes(c.groupIndex)
          ? `NULL AS "${c.column}"`
          : `${c.sql} AS "${c.column}"`,
      );
      const flags = [...Array(n).keys()].map((i) => `${set.includes(i) ? 0 : 1} AS "_g${i}"`);
      const groupFlags = [...Array(n).keys()].map((i) =>
        set.includes(i) ? `${groupSql[i]} AS "_k${i}"` : `NULL AS "_k${i}"`,
      );
      return [
        `SELECT ${[...columns, ...flags, ...groupFlags].join(', ')} FROM ${scope.from}${whereSql}`,
        set.length ? `GROUP BY ${set.map((i) => groupSql[i]).join(', ')}` : '',
        having ? `HAVING ${having}` : '',
      ]
        .filter(Boolean)
        .join(' ');
    });
    const order = orderBy.length > 0 ? [] : [...Array(n).keys()].flatMap((i) => [`"_g${i}"`, `"_k${i}"`]);
    const sql = [
      `SELECT ${selectColumns.map((c) => `"${c.column}"`).join(', ')} FROM (${branches.join(' UNION ALL ')})`,
      order.length ? `ORDER BY ${order.join(', ')}` : '',
      ...(orderBy.length ? [] : tail.slice(1)),
    ]
      .filter(Boolean)
      .join(' ');
    if (orderBy.length > 0) {
      // (unconfirmed) ORDER BY with ROLLUP/CUBE: not supported by the emulator.
      throw this.error(
        'MALFORMED_QUERY',
        query.orderBy[0]?.expr.pos as Pos,
        'ORDER BY is not supported with ROLLUP or CUBE in the emulator',
      );
    }
    return {
      kind: 'aggregate',
      object: scope.object,
      grouped: true,
      sql,
      params: this.statement.params,
      outputs,
    };
  }

  // ---------------------------------------------------------------- expressions

  /**
   * A field path or a function call as a typed SQL expression. `mode` says where it stands: the
   * SELECT list and HAVING accept aggregates; WHERE and GROUP BY do not.
   */
  private operand(
    expr: Expr,
    scope: Scope,
    mode: 'select' | 'where' | 'group' | 'having' | 'order',
  ): Operand {
    if (expr.kind === 'field') return scope.resolve(expr);
    return this.call(expr, scope, mode);
  }

  private call(
    expr: FunctionCall,
    scope: Scope,
    mode: 'select' | 'where' | 'group' | 'having' | 'order',
  ): Operand {
    const { name } = expr;
    const [arg, ...extra] = expr.args;
    if (AGGREGATES.has(name)) {
      if (mode === 'where' || mode === 'group') {
        // (unconfirmed) wording.
        throw this.error('MALFORMED_QUERY', expr.pos, `Aggregate functions are not allowed here: ${name}`);
      }
      if (!arg || extra.length > 0)
        throw this.error('MALFORMED_QUERY', expr.pos, `unexpected token: '${name}'`);
      const inner = this.operand(arg, scope, 'where');
      if (inner.aggregate) throw this.error('MALFORMED_QUERY', arg.pos, `unexpected token: '('`);
      const unsupported = () =>
        // (unconfirmed) the error code; the wording is Salesforce's.
        this.error(
          'MALFORMED_QUERY',
          expr.pos,
          `field ${inner.label} does not support aggregate operator ${name}`,
        );
      if ((name === 'SUM' || name === 'AVG') && !NUMBER_TYPES.has(inner.type)) throw unsupported();
      if (
        (name === 'MIN' || name === 'MAX') &&
        (inner.type === 'boolean' || inner.type === 'textarea' || inner.type === 'multipicklist')
      ) {
        throw unsupported();
      }
      const sql =
        name === 'COUNT_DISTINCT'
          ? `COUNT(DISTINCT ${inner.sql})`
          : name === 'MIN' || name === 'MAX'
            ? `${name}(${isTextType(inner.type) && !inner.plain ? `${inner.sql} COLLATE NOCASE` : inner.sql})`
            : `${name}(${inner.sql})`;
      const type: FieldType =
        name === 'COUNT' || name === 'COUNT_DISTINCT' ? 'int' : name === 'AVG' ? 'double' : inner.type;
      return {
        ...inner,
        sql,
        type,
        field: name === 'MIN' || name === 'MAX' || name === 'SUM' ? inner.field : { ...inner.field, type },
        label: `${name}(${inner.label})`,
        plain: false,
        aggregate: true,
        pos: expr.pos,
      };
    }
    if (name === 'CONVERTTIMEZONE' || name === 'TOLABEL' || name === 'CONVERTCURRENCY' || name === 'FORMAT') {
      // Outside the SELECT list's own handling (which labels and formats values), these leave values
      // as stored: date functions run in UTC and the org has one currency. FORMAT of an aggregate
      // (`FORMAT(MIN(CloseDate))`) is formatted by the aggregate's output.
      if (!arg || extra.length > 0)
        throw this.error('MALFORMED_QUERY', expr.pos, `unexpected token: '${name}'`);
      return this.operand(arg, scope, mode);
    }
    if (DATE_FUNCTIONS.has(name)) {
      if (!arg || extra.length > 0)
        throw this.error('MALFORMED_QUERY', expr.pos, `unexpected token: '${name}'`);
      const inner = this.operand(arg, scope, mode);
      if (inner.type !== 'date' && inner.type !== 'datetime') {
        // (unconfirmed) wording.
        throw this.error(
          'MALFORMED_QUERY',
          expr.pos,
          `${name} requires a date or dateTime field: ${inner.label}`,
        );
      }
      if (name === 'HOUR_IN_DAY' && inner.type !== 'datetime') {
        throw this.error('MALFORMED_QUERY', expr.pos, `${name} requires a dateTime field: ${inner.label}`);
      }
      const c = inner.sql;
      const part = (format: string) => `CAST(strftime('${format}', ${c}) AS INTEGER)`;
      const sqlByName: Record<string, string> = {
        CALENDAR_MONTH: part('%m'),
        CALENDAR_QUARTER: `((${part('%m')} + 2) / 3)`,
        CALENDAR_YEAR: part('%Y'),
        DAY_IN_MONTH: part('%d'),
        DAY_IN_WEEK: `(${part('%w')} + 1)`,
        DAY_IN_YEAR: part('%j'),
        DAY_ONLY: `substr(${c}, 1, 10)`,
        // The default fiscal year is the calendar year.
        FISCAL_MONTH: part('%m'),
        FISCAL_QUARTER: `((${part('%m')} + 2) / 3)`,
        FISCAL_YEAR: part('%Y'),
        HOUR_IN_DAY: part('%H'),
        WEEK_IN_MONTH: `((${part('%d')} - 1) / 7 + 1)`,
        WEEK_IN_YEAR: `((${part('%j')} - 1) / 7 + 1)`,
      };
      const type: FieldType = name === 'DAY_ONLY' ? 'date' : 'int';
      return {
        ...inner,
        sql: `CASE WHEN ${c} IS NULL THEN NULL ELSE ${sqlByName[name]} END`,
        type,
        field: syntheticField(inner.field, inner.field.name, type),
        label: `${name}(${inner.label})`,
        plain: false,
        pos: expr.pos,
      };
    }
    throw this.error('MALFORMED_QUERY', expr.pos, `Unknown function: ${name}`);
  }

  private orderTerm(item: OrderItem, scope: Scope, groups: string[] | null): string {
    const operand = this.operand(item.expr, scope, groups ? 'having' : 'order');
    if (groups && !operand.aggregate && !groups.includes(operand.sql)) {
      throw this.error(
        'MALFORMED_QUERY',
        item.expr.pos,
        `Ordered field must be grouped or aggregated: ${operand.label}`,
      );
    }
    if (!groups && operand.aggregate) {
      throw this.error(
        'MALFORMED_QUERY',
        item.expr.pos,
        `Ordered field must be grouped or aggregated: ${operand.label}`,
      );
    }
    if (item.expr.kind === 'field' && !operand.field.sortable) {
      throw this.error(
        'INVALID_FIELD',
        item.expr.pos,
        `field '${operand.field.name}' can not be sorted in a query call`,
      );
    }
    let sql = operand.sql;
    // Salesforce sorts picklists in their defined order, not alphabetically.
    if (operand.type === 'picklist' && operand.field.picklistValues.length > 0 && !operand.aggregate) {
      const values = operand.field.picklistValues;
      sql = `CASE WHEN ${sql} IS NULL THEN NULL ${values.map((v, i) => `WHEN ${sql} = ${this.statement.bind(v.value)} THEN ${i}`).join(' ')} ELSE ${values.length} END`;
    } else if (isTextType(operand.type) && !operand.plain) {
      sql = `${sql} COLLATE NOCASE`;
    }
    return `${sql} ${item.direction}${item.nulls ? ` NULLS ${item.nulls}` : ''}`;
  }

  // ---------------------------------------------------------------- conditions

  /**
   * Compiles a WHERE or HAVING condition. `nested` is true under OR and NOT, where Salesforce does not
   * allow semi-joins.
   */
  private condition(
    cond: Condition,
    scope: Scope,
    mode: 'where' | 'having',
    nested: boolean,
    groups: string[] = [],
  ): string {
    switch (cond.kind) {
      case 'and':
        return balanced(
          cond.operands.map((c) => this.condition(c, scope, mode, nested, groups)),
          'AND',
        );
      case 'or':
        return balanced(
          cond.operands.map((c) => this.condition(c, scope, mode, true, groups)),
          'OR',
        );
      case 'not':
        return `(NOT ${this.condition(cond.operand, scope, mode, true, groups)})`;
      case 'compare':
        return this.compare(
          this.filterOperand(cond.left, scope, mode, groups),
          cond.op,
          cond.value,
          cond.pos,
        );
      case 'in':
        return this.inList(this.filterOperand(cond.left, scope, mode, groups), cond.negated, cond.values);
      case 'includes':
        return this.includes(
          this.filterOperand(cond.left, scope, mode, groups),
          cond.negated,
          cond.values,
          cond.pos,
        );
      case 'semijoin': {
        if (nested || mode === 'having') {
          throw this.error(
            'MALFORMED_QUERY',
            cond.pos,
            'Semi join sub-selects are only allowed at the top level WHERE expressions and not in nested WHERE expressions.',
          );
        }
        return this.semiJoin(
          this.filterOperand(cond.left, scope, mode, groups),
          scope,
          cond.negated,
          cond.query,
          cond.pos,
        );
      }
    }
  }

  private filterOperand(expr: Expr, scope: Scope, mode: 'where' | 'having', groups: string[]): Operand {
    const operand = this.operand(expr, scope, mode);
    if (mode === 'having' && !operand.aggregate && !groups.includes(operand.sql)) {
      throw this.error('MALFORMED_QUERY', expr.pos, `Field must be grouped or aggregated: ${operand.label}`);
    }
    if (expr.kind === 'field' && !operand.field.filterable) {
      throw this.error(
        'INVALID_FIELD',
        expr.pos,
        `field '${operand.field.name}' can not be filtered in query call`,
      );
    }
    return operand;
  }

  /** The left side as SQL, with NOCASE collation for text expressions that are not plain columns. */
  private left(operand: Operand): string {
    return isTextType(operand.type) && !operand.plain ? `${operand.sql} COLLATE NOCASE` : operand.sql;
  }

  /** A date or datetime bound (start or end of a day range) in the operand's storage form. */
  private dayBound(operand: Operand, day: string): string {
    return this.statement.bind(operand.type === 'datetime' ? `${day}T00:00:00.000Z` : day);
  }

  private compare(operand: Operand, op: ComparisonOp, value: Literal, pos: Pos): string {
    const left = this.left(operand);
    if (value.kind === 'dateLiteral') {
      if (operand.type !== 'date' && operand.type !== 'datetime') throw this.mismatch(operand, value);
      if (op === 'LIKE') throw this.likeError(operand, pos);
      const range = dateLiteralRange(value.name, value.n, this.options.now);
      if (!range) {
        // (unconfirmed) wording.
        throw this.error('MALFORMED_QUERY', value.pos, `Invalid date literal: ${value.name}:${value.n}`);
      }
      const start = () => this.dayBound(operand, range.start);
      const end = () => this.dayBound(operand, range.end);
      // A date literal is a range: `=` means within it, `<` before its start, `>` after its end.
      switch (op) {
        case '=':
          return `(${left} >= ${start()} AND ${left} < ${end()})`;
        case '!=':
          return `(${left} IS NULL OR ${left} < ${start()} OR ${left} >= ${end()})`;
        case '<':
          return `${left} < ${start()}`;
        case '<=':
          return `${left} < ${end()}`;
        case '>':
          return `${left} >= ${end()}`;
        case '>=':
          return `${left} >= ${start()}`;
      }
    }
    if (op === 'LIKE') {
      if (!isTextType(operand.type) && operand.type !== 'id' && operand.type !== 'reference') {
        throw this.likeError(operand, pos);
      }
      if (value.kind === 'null') return '0';
      if (value.kind !== 'string') throw this.mismatch(operand, value);
      // SQLite's LIKE stops reading a pattern at a NUL, which would make `'%\u0000 ab%'` match
      // every row: such a pattern goes to the emulator's own LIKE, which reads it whole.
      if (value.pattern.includes('\0'))
        return `${SOQL_LIKE}(${operand.sql}, ${this.statement.bind(value.pattern)})`;
      return `${operand.sql} LIKE ${this.statement.bind(value.pattern)} ESCAPE '\\'`;
    }
    if (operand.type === 'multipicklist' && (op === '=' || op === '!=') && value.kind === 'string') {
      // `=` on a multi-select picklist matches the same set of values in any order.
      const parts = splitValues(value.value);
      const all = parts.map((p) => this.containsValue(operand.sql, p)).join(' AND ');
      const count = `(length(${operand.sql}) - length(replace(${operand.sql}, ';', '')) + 1) = ${parts.length}`;
      const same = `(${operand.sql} IS NOT NULL AND ${all} AND ${count})`;
      return op === '=' ? same : `(NOT ${same})`;
    }
    const bound = this.bindValue(operand, value);
    if (bound === null) {
      if (op === '=') return `${operand.sql} IS NULL`;
      if (op === '!=') return `${operand.sql} IS NOT NULL`;
      // (unconfirmed) Salesforce's wording for a range comparison with null.
      throw this.error('INVALID_QUERY_FILTER_OPERATOR', value.pos, `invalid operator on null value: ${op}`);
    }
    const test = hasNul(value) && (op === '=' || op === '!=') ? this.sameText(operand, bound) : null;
    // In SOQL, `!=` also matches rows where the field is null.
    if (op === '!=') return `(${operand.sql} IS NULL OR ${test ? `NOT ${test}` : `${left} != ${bound}`})`;
    return test ?? `${left} ${op} ${bound}`;
  }

  /**
   * Case-insensitive equality of text that holds a NUL character. SQLite's NOCASE collation stops
   * comparing at a NUL (so `'a\u0000x' = 'a\u0000y'` would hold); lower() keeps the whole value
   * and the BINARY comparison of the results compares every character.
   */
  private sameText(operand: Operand, bound: string): string {
    return `(lower(${operand.sql}) = lower(${bound}))`;
  }

  private likeError(operand: Operand, pos: Pos) {
    // (unconfirmed) wording.
    return this.error(
      'INVALID_QUERY_FILTER_OPERATOR',
      pos,
      `invalid operator on field '${operand.field.name}': LIKE`,
    );
  }

  private mismatch(operand: Operand, value: Literal) {
    const name = operand.field.name;
    if (operand.type === 'id' || operand.type === 'reference' || isTextType(operand.type)) {
      return filterTypeMismatch(this.source, value.pos, name, 'string', true);
    }
    const expected: Partial<Record<FieldType, string>> = {
      boolean: 'boolean',
      int: 'integer',
      double: 'double',
      currency: 'double',
      percent: 'double',
      date: 'date',
      datetime: 'dateTime',
    };
    return filterTypeMismatch(this.source, value.pos, name, expected[operand.type] ?? operand.type, false);
  }

  /**
   * A literal as a bound parameter in the storage form of the operand's type, or null for `null`.
   * Rejects type mismatches as Salesforce does.
   */
  private bindValue(operand: Operand, value: Literal): string | null {
    if (value.kind === 'null') return null;
    if (value.kind === 'string' && value.likeOnly) {
      throw this.error(
        'MALFORMED_QUERY',
        value.pos,
        `Invalid string literal '${value.value}'. Illegal character sequence '\\${value.value.includes('%') ? '%' : '_'}' in string literal.`,
      );
    }
    switch (operand.type) {
      case 'boolean':
        if (value.kind !== 'boolean') throw this.mismatch(operand, value);
        return this.statement.bind(value.value ? 1 : 0);
      case 'int':
      case 'double':
      case 'currency':
      case 'percent':
        if (value.kind !== 'number') throw this.mismatch(operand, value);
        return this.statement.bind(value.value);
      case 'date': {
        if (value.kind !== 'date') throw this.mismatch(operand, value);
        if (!isValidDate(value.value)) throw this.invalidDate(value);
        return this.statement.bind(value.value);
      }
      case 'datetime': {
        if (value.kind !== 'datetime') throw this.mismatch(operand, value);
        const parsed = new Date(value.value);
        if (Number.isNaN(parsed.getTime()) || !isValidDate(value.value.slice(0, 10)))
          throw this.invalidDate(value);
        return this.statement.bind(parsed.toISOString());
      }
      case 'id':
      case 'reference': {
        if (value.kind !== 'string') throw this.mismatch(operand, value);
        // An Id filter accepts 15 or 18 characters; anything else is an invalid id. (unconfirmed: the
        // empty string, which Salesforce may treat as null.)
        const id = normalizeId(value.value);
        if (!id)
          throw this.error('INVALID_QUERY_FILTER_OPERATOR', value.pos, `invalid ID field: ${value.value}`);
        return this.statement.bind(id);
      }
      default:
        if (value.kind !== 'string') throw this.mismatch(operand, value);
        return this.statement.bind(value.value);
    }
  }

  private invalidDate(value: Literal) {
    // (unconfirmed) wording for an impossible calendar date such as 2026-02-30.
    return this.error(
      'MALFORMED_QUERY',
      value.pos,
      `invalid date: ${'value' in value ? String(value.value) : ''}`,
    );
  }

  private inList(operand: Operand, negated: boolean, values: Literal[]): string {
    const left = this.left(operand);
    const terms: string[] = [];
    const bound: string[] = [];
    let hasNull = false;
    for (const value of values) {
      if (value.kind === 'dateLiteral') {
        terms.push(this.compare(operand, '=', value, value.pos));
        continue;
      }
      const sql = this.bindValue(operand, value);
      if (sql === null) hasNull = true;
      else if (hasNul(value)) terms.push(this.sameText(operand, sql));
      else bound.push(sql);
    }
    if (bound.length > 0) terms.unshift(`${left} IN (${bound.join(', ')})`);
    if (hasNull) terms.push(`${operand.sql} IS NULL`);
    const any = terms.length === 1 ? (terms[0] as string) : `(${terms.join(' OR ')})`;
    if (!negated) return any;
    // NOT IN, like `!=`, matches null fields unless null is in the list.
    return hasNull ? `(NOT ${any})` : `(${operand.sql} IS NULL OR NOT ${any})`;
  }

  /** True (as SQL) when the `;`-separated values of `column` include `value`, case-insensitively. */
  private containsValue(column: string, value: string): string {
    return `instr(';' || lower(${column}) || ';', ${this.statement.bind(`;${value.toLowerCase()};`)}) > 0`;
  }

  private includes(operand: Operand, negated: boolean, values: Literal[], pos: Pos): string {
    if (operand.type !== 'multipicklist') {
      throw this.error(
        'INVALID_QUERY_FILTER_OPERATOR',
        pos,
        'includes or excludes operator only valid on multipicklist field',
      );
    }
    // INCLUDES ('a;b', 'c'): the field has both a and b, or it has c.
    const any = values
      .map((value) => {
        if (value.kind !== 'string') throw this.mismatch(operand, value);
        const parts = splitValues(value.value);
        return `(${parts.map((p) => this.containsValue(operand.sql, p)).join(' AND ')})`;
      })
      .join(' OR ');
    return negated ? `(${operand.sql} IS NULL OR NOT (${any}))` : `(${operand.sql} IS NOT NULL AND (${any}))`;
  }

  private semiJoin(operand: Operand, scope: Scope, negated: boolean, query: SelectQuery, pos: Pos): string {
    if (this.inSemiJoin) {
      // (unconfirmed) wording.
      throw this.error('MALFORMED_QUERY', pos, 'Nesting of semi join sub-selects is not supported');
    }
    if (operand.type !== 'id' && operand.type !== 'reference') {
      // (unconfirmed) wording.
      throw this.error(
        'INVALID_FIELD',
        pos,
        `The left operand field in the where expression must be an Id or a reference field: ${operand.label}`,
      );
    }
    const innerObject = this.object(query.from.name, query.from.pos);
    if (innerObject === scope.object) {
      throw this.error(
        'MALFORMED_QUERY',
        query.from.pos,
        'The inner and outer selects should not be on the same object type',
      );
    }
    const inner = new Scope(this, innerObject, query.from.alias);
    const [item, ...rest] = query.select;
    if (!item || rest.length > 0 || item.kind !== 'expr' || item.expr.kind !== 'field') {
      throw this.error(
        'MALFORMED_QUERY',
        (rest[0] ?? item ?? query).pos,
        'Semi join sub-selects can only select one Id or reference field',
      );
    }
    if (query.offset) throw this.error('MALFORMED_QUERY', query.offset.pos, `unexpected token: 'OFFSET'`);
    const selected = inner.resolve(item.expr);
    const pointsTo = new Set((operand.pointsTo ?? []).map((name) => name.toLowerCase()));
    const sameType = (selected.pointsTo ?? []).some((name) => pointsTo.has(name.toLowerCase()));
    if ((selected.type !== 'id' && selected.type !== 'reference') || !sameType) {
      throw this.error(
        'INVALID_FIELD',
        item.pos,
        `The selected field '${selected.label}' in the subquery and the left operand field in the where expression in the outer query '${operand.label}' should point to the same object type`,
      );
    }
    const where = [...inner.liveFilter(), `${selected.sql} IS NOT NULL`];
    if (query.where) {
      this.inSemiJoin = true;
      try {
        where.push(this.condition(query.where, inner, 'where', false));
      } finally {
        this.inSemiJoin = false;
      }
    }
    const sub = `SELECT ${selected.sql} FROM ${inner.from} WHERE ${where.join(' AND ')}${query.limit ? ` LIMIT ${query.limit.value}` : ''}`;
    return negated
      ? `(${operand.sql} IS NULL OR ${operand.sql} NOT IN (${sub}))`
      : `${operand.sql} IN (${sub})`;
  }
}

/**
 * A compound address or geolocation as SQL: a JSON object of its components (keys in alphabetical
 * order, as Salesforce answers them), or NULL when every component is null.
 */
function compoundSql(object: ObjectMeta, field: FieldMeta, alias: string): string {
  const parts = object.fields
    .filter((f) => field.compound?.includes(f.name))
    .map((f) => ({ key: compoundKey(field, f.name), sql: `${alias}.${quoteIdent(f.name)}` }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const empty = parts.map((p) => `${p.sql} IS NULL`).join(' AND ');
  return `CASE WHEN ${empty} THEN NULL ELSE json_object(${parts.map((p) => `'${p.key}', ${p.sql}`).join(', ')}) END`;
}

/**
 * Joins terms with AND or OR as a balanced tree: SQLite parses `a OR b OR c ...` left-deep and
 * refuses expression trees deeper than 1000, which a long generated OR list would reach.
 */
function balanced(terms: string[], connective: 'AND' | 'OR'): string {
  if (terms.length === 1) return terms[0] as string;
  const middle = Math.ceil(terms.length / 2);
  return `(${balanced(terms.slice(0, middle), connective)} ${connective} ${balanced(terms.slice(middle), connective)})`;
}

const hasNul = (value: Literal) => value.kind === 'string' && value.value.includes('\0');

function splitValues(value: string): string[] {
  return value
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function isValidDate(ymd: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function formatter(operand: Operand): (value: unknown) => unknown {
  return (value) => {
    if (value === null || value === undefined) return null;
    switch (operand.type) {
      case 'boolean':
        return Number(value) !== 0;
      case 'int':
      case 'double':
      case 'currency':
      case 'percent':
        return Number(value);
      case 'datetime':
        return String(value).replace(/Z$/, '+0000');
      default:
        return String(value);
    }
  };
}

/** True when the query aggregates: GROUP BY, or an aggregate function in the SELECT list. */
export function isAggregateQuery(query: SelectQuery): boolean {
  if (query.groupBy) return true;
  return query.select.some(
    (item) => item.kind === 'expr' && item.expr.kind === 'call' && containsAggregate(item.expr),
  );
}

function containsAggregate(expr: Expr): boolean {
  if (expr.kind === 'field') return false;
  return AGGREGATES.has(expr.name) || expr.args.some(containsAggregate);
}

/** Compiles a parsed query into the SQL that answers it and the shape of its results. */
export function compileQuery(source: string, query: SelectQuery, options: CompileOptions): QueryPlan {
  return new Compiler(source, options).compileTop(query);
}
