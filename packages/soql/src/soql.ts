import { escapeSoqlLike, escapeSoqlString } from './escape.ts';

/**
 * A piece of SOQL built by `soql`: text that only this module can create, so that a plain string
 * can never be spliced into a query unescaped.
 */
export class SoqlFragment {
  readonly text: string;
  /** Use the `soql` tag and its helpers instead. */
  constructor(text: string, token: typeof CONSTRUCT) {
    if (token !== CONSTRUCT) throw new TypeError('SoqlFragment is built with the soql tag');
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

const CONSTRUCT: unique symbol = Symbol('SoqlFragment');
const fragment = (text: string) => new SoqlFragment(text, CONSTRUCT);

/**
 * For this package's own builders only (not exported from the package): wraps SOQL text made
 * solely of checked identifiers and fragments, or parsed, checked and composed again.
 */
export const validatedFragment = (text: string): SoqlFragment => fragment(text);

/** A scalar that becomes a SOQL literal. */
export type SoqlScalar = string | number | boolean | null | Date;
/** What may be interpolated into `soql`: literals, lists of literals (for IN) or fragments. */
export type SoqlValue = SoqlScalar | readonly SoqlScalar[] | SoqlFragment;

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*){0,5}$/;
const DATE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;

function literal(value: SoqlScalar): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${escapeSoqlString(value)}'`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`A SOQL number must be finite, got ${value}`);
    return String(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('A SOQL datetime must be a valid Date');
    // SOQL datetimes are unquoted: 2026-02-12T10:00:00.000Z.
    return value.toISOString();
  }
  throw new TypeError(`Cannot use a ${typeof value} as a SOQL literal`);
}

function render(value: SoqlValue): string {
  if (value instanceof SoqlFragment) return value.text;
  if (Array.isArray(value)) {
    if (value.length === 0) throw new TypeError('A SOQL IN list needs at least one value');
    return `(${value.map(literal).join(', ')})`;
  }
  return literal(value as SoqlScalar);
}

/**
 * Builds SOQL with every interpolated value escaped as a literal:
 *
 * ```ts
 * soql`SELECT Id FROM Case WHERE CaseNumber = ${input} LIMIT 1`
 * ```
 *
 * Strings become quoted, escaped literals; numbers, booleans, null and Dates their literal forms;
 * arrays a parenthesised list for IN. Field and object names go through `soql.ident` or
 * `soql.fields`, which accept only well-formed names.
 */
export function soql(strings: TemplateStringsArray, ...values: SoqlValue[]): SoqlFragment {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += render(value) + (strings[i + 1] ?? '');
  });
  return fragment(text);
}

/** A field, relationship path or object name, e.g. `Account.Name`; anything else throws. */
soql.ident = (name: string): SoqlFragment => {
  if (!IDENTIFIER.test(name)) throw new TypeError(`Not a valid SOQL identifier: ${JSON.stringify(name)}`);
  return fragment(name);
};

/** A comma-separated list of field names. */
soql.fields = (names: readonly string[]): SoqlFragment => {
  if (names.length === 0) throw new TypeError('A SOQL field list needs at least one field');
  return fragment(names.map((n) => soql.ident(n).text).join(', '));
};

/**
 * Whether `value` is a calendar date written YYYY-MM-DD: `2026-02-28` is, `2026-02-31` and
 * `2026-13-01` are not (JavaScript's Date would roll them over to March and the next year).
 */
export function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** A date literal (`2026-02-12`), unquoted as SOQL wants it; only a real calendar date. */
soql.date = (value: string): SoqlFragment => {
  if (!isCalendarDate(value)) throw new TypeError(`Not a SOQL date (YYYY-MM-DD): ${JSON.stringify(value)}`);
  return fragment(value);
};

/** A quoted LIKE pattern that matches `value` literally (`%` and `_` in it are escaped). */
soql.like = (
  value: string,
  mode: 'contains' | 'startsWith' | 'endsWith' | 'equals' = 'contains',
): SoqlFragment => {
  const escaped = escapeSoqlLike(value);
  const pattern =
    mode === 'contains'
      ? `%${escaped}%`
      : mode === 'startsWith'
        ? `${escaped}%`
        : mode === 'endsWith'
          ? `%${escaped}`
          : escaped;
  return fragment(`'${pattern}'`);
};

/** Joins fragments with a separator (` AND `, `, `, ...). */
soql.join = (parts: readonly SoqlFragment[], separator: ' AND ' | ' OR ' | ', '): SoqlFragment =>
  fragment(parts.map((p) => p.text).join(separator));
