import type { FieldKind, FieldSpec } from '@sfgql/objects/spec';

/** The GraphQL scalars a field's value is served as. */
export type ScalarName = 'ID' | 'String' | 'Boolean' | 'Int' | 'Float';

/** The comparisons of a field filter, as Salesforce's GraphQL API names them. */
export type Operator = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'like' | 'in' | 'nin' | 'isNull';

/** The input types of field filters, one per family of kinds. */
export type OperatorInputName =
  | 'IdOperators'
  | 'StringOperators'
  | 'PicklistOperators'
  | 'BooleanOperators'
  | 'IntOperators'
  | 'FloatOperators'
  | 'DateOperators'
  | 'DateTimeOperators';

/** How a value is checked and written into a statement (see `literalFor`). */
export type LiteralKind = 'id' | 'text' | 'boolean' | 'number' | 'date' | 'datetime';

/** What the graph does with a field of one kind. */
export interface KindTraits {
  scalar: ScalarName;
  /** Its filter's operators; null when Salesforce can neither filter nor sort on it. */
  operators: OperatorInputName | null;
  /**
   * Whether keyset cursors can compare it with `>`: text, numbers, dates and Ids can; picklists sort
   * in their defined order and checkboxes have no `>`, so lists ordered by them page by OFFSET.
   */
  keyset: boolean;
  literal: LiteralKind;
}

/**
 * Every field kind of the catalog and what the graph makes of it: one row per kind, so that a new
 * kind does not compile until it has one. Multi-select picklists (only INCLUDES / EXCLUDES) and
 * binary fields cannot be filtered or sorted on.
 */
export const FIELD_KINDS: Readonly<Record<FieldKind, KindTraits>> = {
  id: { scalar: 'ID', operators: 'IdOperators', keyset: true, literal: 'id' },
  reference: { scalar: 'ID', operators: 'IdOperators', keyset: true, literal: 'id' },
  string: { scalar: 'String', operators: 'StringOperators', keyset: true, literal: 'text' },
  textarea: { scalar: 'String', operators: 'StringOperators', keyset: true, literal: 'text' },
  email: { scalar: 'String', operators: 'StringOperators', keyset: true, literal: 'text' },
  phone: { scalar: 'String', operators: 'StringOperators', keyset: true, literal: 'text' },
  url: { scalar: 'String', operators: 'StringOperators', keyset: true, literal: 'text' },
  picklist: { scalar: 'String', operators: 'PicklistOperators', keyset: false, literal: 'text' },
  multipicklist: { scalar: 'String', operators: null, keyset: false, literal: 'text' },
  boolean: { scalar: 'Boolean', operators: 'BooleanOperators', keyset: false, literal: 'boolean' },
  int: { scalar: 'Int', operators: 'IntOperators', keyset: true, literal: 'number' },
  double: { scalar: 'Float', operators: 'FloatOperators', keyset: true, literal: 'number' },
  currency: { scalar: 'Float', operators: 'FloatOperators', keyset: true, literal: 'number' },
  percent: { scalar: 'Float', operators: 'FloatOperators', keyset: true, literal: 'number' },
  date: { scalar: 'String', operators: 'DateOperators', keyset: true, literal: 'date' },
  datetime: { scalar: 'String', operators: 'DateTimeOperators', keyset: true, literal: 'datetime' },
  base64: { scalar: 'String', operators: null, keyset: false, literal: 'text' },
};

const RANGES: readonly Operator[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'isNull'];

/** Each filter input: the scalar its values take, and its operators (ranges need an order Salesforce compares by). */
export const OPERATOR_INPUTS: Readonly<
  Record<OperatorInputName, { scalar: ScalarName; description: string; operators: readonly Operator[] }>
> = {
  IdOperators: {
    scalar: 'ID',
    description: 'Comparisons of an Id or lookup.',
    operators: ['eq', 'ne', 'in', 'nin', 'isNull'],
  },
  StringOperators: {
    scalar: 'String',
    description: 'Comparisons of text; `like` takes a pattern with % (any text) and _ (one character).',
    operators: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'like', 'in', 'nin', 'isNull'],
  },
  PicklistOperators: {
    scalar: 'String',
    description: 'Comparisons of a picklist value.',
    operators: ['eq', 'ne', 'like', 'in', 'nin', 'isNull'],
  },
  BooleanOperators: {
    scalar: 'Boolean',
    description: 'Comparisons of a checkbox.',
    operators: ['eq', 'ne', 'isNull'],
  },
  IntOperators: { scalar: 'Int', description: 'Comparisons of a whole number.', operators: RANGES },
  FloatOperators: {
    scalar: 'Float',
    description: 'Comparisons of a number, amount or percentage.',
    operators: RANGES,
  },
  DateOperators: { scalar: 'String', description: 'Comparisons of a date (YYYY-MM-DD).', operators: RANGES },
  DateTimeOperators: {
    scalar: 'String',
    description: 'Comparisons of a date-time (ISO 8601).',
    operators: RANGES,
  },
};

/** What each operator means, for the filter inputs' descriptions. */
export const OPERATOR_DOCS: Readonly<Record<Operator, string>> = {
  eq: 'Equal to (null: has no value).',
  ne: 'Not equal to (null: has a value).',
  lt: 'Less than.',
  lte: 'Less than or equal to.',
  gt: 'Greater than.',
  gte: 'Greater than or equal to.',
  like: 'Matches the pattern (% any text, _ one character), case-insensitively.',
  in: 'One of these values.',
  nin: 'None of these values.',
  isNull: 'true: has no value; false: has a value.',
};

/**
 * The operator input of a filter on the field; null when Salesforce can neither filter nor sort on
 * it. Long text areas it cannot; a 255-character one (a street) it can.
 */
export function operatorInputOf(field: FieldSpec): OperatorInputName | null {
  if (field.kind === 'textarea' && (field.maxLength ?? Number.POSITIVE_INFINITY) > 255) return null;
  return FIELD_KINDS[field.kind].operators;
}

/** Whether Salesforce can filter and sort on the field. */
export const isFilterable = (field: FieldSpec): boolean => operatorInputOf(field) !== null;
