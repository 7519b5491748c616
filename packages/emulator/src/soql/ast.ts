/** A position in the query text, for errors (1-based, as Salesforce counts rows and columns). */
export interface Pos {
  line: number;
  column: number;
}

/** `Name`, `Account.Name`, `Account.Owner.Name`: the segments as written. */
export interface FieldPath {
  kind: 'field';
  path: string[];
  pos: Pos;
}

/**
 * A function applied to fields: aggregates (`COUNT(Id)`, `SUM(Amount)`, `COUNT()` with no argument),
 * date functions (`CALENDAR_YEAR(CreatedDate)`), `toLabel(Status)`, `convertTimezone(CreatedDate)`.
 * `name` is upper-cased.
 */
export interface FunctionCall {
  kind: 'call';
  name: string;
  args: Expr[];
  pos: Pos;
  /** The call as written (`avg(Amount)`), which column metadata reports as its display name. */
  text: string;
}

export type Expr = FieldPath | FunctionCall;

/** A field or function in the SELECT list, with its alias (`COUNT(Id) total`). */
export interface ExprItem {
  kind: 'expr';
  expr: Expr;
  alias: string | null;
  aliasPos: Pos | null;
  pos: Pos;
}

/** A parent-to-child subquery: `(SELECT Id FROM Cases WHERE ...)`. */
export interface SubqueryItem {
  kind: 'subquery';
  query: SelectQuery;
  pos: Pos;
}

/** `TYPEOF What WHEN Account THEN Phone, Name WHEN Opportunity THEN Amount ELSE Name END`. */
export interface TypeofItem {
  kind: 'typeof';
  field: FieldPath;
  whens: { type: string; typePos: Pos; fields: FieldPath[] }[];
  otherwise: FieldPath[] | null;
  pos: Pos;
}

/** `FIELDS(ALL)`, `FIELDS(STANDARD)`, `FIELDS(CUSTOM)`. */
export interface FieldsItem {
  kind: 'fields';
  scope: 'ALL' | 'STANDARD' | 'CUSTOM';
  pos: Pos;
}

export type SelectItem = ExprItem | SubqueryItem | TypeofItem | FieldsItem;

export type Literal =
  | {
      kind: 'string';
      value: string /** LIKE pattern with `\` as escape character. */;
      pattern: string;
      likeOnly: boolean;
      pos: Pos;
    }
  | { kind: 'number'; value: number; raw: string; pos: Pos }
  | { kind: 'boolean'; value: boolean; pos: Pos }
  | { kind: 'null'; pos: Pos }
  | { kind: 'date'; value: string; pos: Pos }
  | { kind: 'datetime'; value: string; pos: Pos }
  /** `TODAY`, `LAST_N_DAYS:30`: `n` is null for the literals without a number. */
  | { kind: 'dateLiteral'; name: string; n: number | null; pos: Pos };

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE';

export type Condition =
  | { kind: 'and' | 'or'; operands: Condition[] }
  | { kind: 'not'; operand: Condition; pos: Pos }
  | { kind: 'compare'; left: Expr; op: ComparisonOp; value: Literal; pos: Pos }
  | { kind: 'in'; left: Expr; negated: boolean; values: Literal[]; pos: Pos }
  /** Semi-join (`IN (SELECT ...)`) or anti-join (`NOT IN (SELECT ...)`). */
  | { kind: 'semijoin'; left: Expr; negated: boolean; query: SelectQuery; pos: Pos }
  /** INCLUDES / EXCLUDES on a multi-select picklist. */
  | { kind: 'includes'; left: Expr; negated: boolean; values: Literal[]; pos: Pos };

/** One filter of `WITH DATA CATEGORY`: `Geography__c AT (usa__c, uk__c)`. */
export interface DataCategoryFilter {
  group: string;
  selector: string;
  categories: string[];
}

export interface OrderItem {
  expr: Expr;
  direction: 'ASC' | 'DESC';
  nulls: 'FIRST' | 'LAST' | null;
}

export interface GroupBy {
  kind: 'plain' | 'rollup' | 'cube';
  items: Expr[];
  pos: Pos;
}

export interface SelectQuery {
  select: SelectItem[];
  from: { name: string; alias: string | null; pos: Pos };
  /** `USING SCOPE mine`: the scope, lower-cased. */
  scope: string | null;
  where: Condition | null;
  /**
   * `WITH SECURITY_ENFORCED` / `USER_MODE` / `SYSTEM_MODE`: accepted, no effect in the emulator.
   * `DATA CATEGORY` for Knowledge, with its filters in `dataCategories`.
   */
  with: string | null;
  dataCategories: DataCategoryFilter[];
  groupBy: GroupBy | null;
  having: Condition | null;
  orderBy: OrderItem[];
  limit: { value: number; pos: Pos } | null;
  offset: { value: number; pos: Pos } | null;
  /** `FOR VIEW`, `FOR REFERENCE`, `FOR UPDATE`: accepted, no effect. */
  forClause: string | null;
  pos: Pos;
}
