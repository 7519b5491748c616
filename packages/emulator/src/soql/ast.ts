/** A position in the query text, for errors. */
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

export type SelectItem = FieldPath;

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; raw: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; value: string };

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE';

export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition }
  | { kind: 'compare'; field: FieldPath; op: ComparisonOp; value: Literal; pos: Pos }
  | { kind: 'in'; field: FieldPath; negated: boolean; values: Literal[]; pos: Pos };

export interface OrderItem {
  field: FieldPath;
  direction: 'ASC' | 'DESC';
  nulls: 'FIRST' | 'LAST' | null;
}

export interface SelectQuery {
  select: SelectItem[];
  from: { name: string; pos: Pos };
  where: Condition | null;
  orderBy: OrderItem[];
  limit: number | null;
  offset: number | null;
}
