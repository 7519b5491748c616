import { type SoqlFragment, soql } from '@sfgql/soql';
import { z } from 'zod';
import { writeSchema } from './input.ts';
import type { FieldKind, FieldSpec, ObjectSpec } from './spec.ts';

/**
 * A filter on one object's fields, the same in every door that takes one: field conditions
 * (`{ status: { eq: 'New' } }`, `{ amount: { gte: 1000 } }`), combined with `and`, `or` and `not`.
 * Values are checked against each field's kind and sent as escaped literals.
 */
export type Filter = {
  and?: Filter[];
  or?: Filter[];
  not?: Filter;
} & { [field: string]: FieldCondition | Filter[] | Filter | undefined };

export interface FieldCondition {
  eq?: unknown;
  ne?: unknown;
  lt?: unknown;
  lte?: unknown;
  gt?: unknown;
  gte?: unknown;
  like?: string;
  in?: unknown[];
  nin?: unknown[];
  isNull?: boolean;
}

type Operator = keyof FieldCondition;

const EQUALITY: readonly Operator[] = ['eq', 'ne', 'in', 'nin', 'isNull'];
const ORDERED: readonly Operator[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'isNull'];

/**
 * The operators a kind of field takes: Salesforce compares numbers, dates and text, matches text with
 * LIKE, and cannot filter long text areas, multi-select picklists (but by INCLUDES) or binary fields.
 */
const OPERATORS = {
  id: EQUALITY,
  reference: EQUALITY,
  string: [...ORDERED, 'like'],
  textarea: [...ORDERED, 'like'],
  phone: [...ORDERED, 'like'],
  email: [...ORDERED, 'like'],
  url: [...ORDERED, 'like'],
  picklist: [...EQUALITY, 'like'],
  multipicklist: ['isNull'],
  boolean: ['eq', 'ne', 'isNull'],
  int: ORDERED,
  double: ORDERED,
  currency: ORDERED,
  percent: ORDERED,
  date: ORDERED,
  datetime: ORDERED,
  base64: [],
} as const satisfies Record<FieldKind, readonly Operator[]>;

/** The operators a field takes in a filter (none for a long text area). */
export function operatorsOf(field: FieldSpec): readonly Operator[] {
  if (field.kind === 'textarea' && (field.maxLength ?? Number.POSITIVE_INFINITY) > 255) return [];
  return OPERATORS[field.kind];
}

/** At most this many values in an `in` or `nin`: a GET query must stay within Salesforce's URL limit. */
export const MAX_IN_VALUES = 1_000;

/** The zod schema of a filter on one object: its fields and their operators, nested and/or/not. */
export function filterSchema(spec: ObjectSpec): z.ZodType<Filter> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(spec.fields)) {
    const operators = operatorsOf(field);
    if (operators.length === 0) continue;
    const value = writeSchema({ ...field, restricted: false });
    const condition: Record<string, z.ZodType> = {};
    for (const op of operators) {
      condition[op] =
        op === 'isNull'
          ? z.boolean()
          : op === 'like'
            ? z.string().max(255)
            : op === 'in' || op === 'nin'
              ? z.array(value).min(1).max(MAX_IN_VALUES)
              : value.nullable();
      condition[op] = (condition[op] as z.ZodType).optional();
    }
    shape[key] = z.strictObject(condition).optional().describe(field.description);
  }
  const filter: z.ZodType<Filter> = z.lazy(() =>
    z
      .strictObject({
        ...shape,
        and: z.array(filter).max(20).optional(),
        or: z.array(filter).max(20).optional(),
        not: filter.optional(),
      })
      .describe(`Which ${spec.labelPlural.toLowerCase()}: field conditions, combined with and, or and not.`),
  ) as z.ZodType<Filter>;
  return filter;
}

type Compare = (name: SoqlFragment, value: SoqlFragment) => SoqlFragment;
const COMPARE: Partial<Record<Operator, Compare>> = {
  eq: (n, v) => soql`${n} = ${v}`,
  ne: (n, v) => soql`${n} != ${v}`,
  lt: (n, v) => soql`${n} < ${v}`,
  lte: (n, v) => soql`${n} <= ${v}`,
  gt: (n, v) => soql`${n} > ${v}`,
  gte: (n, v) => soql`${n} >= ${v}`,
};

/** A value as the literal Salesforce compares a field of its kind with. */
function literal(field: FieldSpec, value: unknown): SoqlFragment {
  if (value === null) return soql`null`;
  if (field.kind === 'date') return soql.date(String(value));
  if (field.kind === 'datetime') return soql`${new Date(String(value))}`;
  return soql`${value as string | number | boolean}`;
}

/**
 * A checked filter as a SOQL condition (null when it has none). Run `filterSchema(spec)` on the
 * caller's input first: this trusts the shape it checked.
 */
export function compileFilter(spec: ObjectSpec, filter: Filter): SoqlFragment | null {
  const parts: SoqlFragment[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (key === 'and' || key === 'or') {
      const list = (value as Filter[]).map((f) => compileFilter(spec, f)).filter((f) => f !== null);
      if (list.length) parts.push(soql`(${soql.join(list, key === 'and' ? ' AND ' : ' OR ')})`);
      continue;
    }
    if (key === 'not') {
      const inner = compileFilter(spec, value as Filter);
      if (inner) parts.push(soql`(NOT ${inner})`);
      continue;
    }
    const field = spec.fields[key] as FieldSpec;
    const name = soql.ident(field.apiName);
    for (const [op, operand] of Object.entries(value as FieldCondition)) {
      if (operand === undefined) continue;
      const compare = COMPARE[op as Operator];
      if (compare) parts.push(compare(name, literal(field, operand)));
      else if (op === 'like') parts.push(soql`${name} LIKE ${operand as string}`);
      else if (op === 'isNull') parts.push(operand ? soql`${name} = null` : soql`${name} != null`);
      else {
        const list = soql.join(
          (operand as unknown[]).map((v) => literal(field, v)),
          ', ',
        );
        parts.push(op === 'in' ? soql`${name} IN (${list})` : soql`${name} NOT IN (${list})`);
      }
    }
  }
  return parts.length ? soql.join(parts, ' AND ') : null;
}
