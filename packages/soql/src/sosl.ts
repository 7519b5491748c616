import { type SoqlFragment, soql } from './soql.ts';

// Every character SOSL reserves in a FIND term; each is escaped with a backslash, even in quotes.
const RESERVED = /[?&|!{}[\]()^~*:\\"'+-]/g;
const OPERATOR_WORD = /^(?:and|or|not)$/i;

/** Whether a text has a word of at least two letters or digits, as a FIND term needs. */
export function hasSearchableWord(text: string): boolean {
  return text.split(/\s+/).some((w) => (w.match(/[\p{L}\p{N}]/gu) ?? []).length >= 2);
}

/** Escapes a search term so that every character is searched for literally (lone surrogates as U+FFFD). */
export function escapeSoslTerm(term: string): string {
  return term.toWellFormed().replace(RESERVED, (ch) => `\\${ch}`);
}

/** A finished SOSL statement, built only by `sosl.find`. */
export class SoslStatement {
  readonly text: string;
  constructor(text: string, token: typeof CONSTRUCT) {
    if (token !== CONSTRUCT) throw new TypeError('SoslStatement is built with sosl.find');
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}
const CONSTRUCT: unique symbol = Symbol('SoslStatement');

export type SearchScope = 'ALL' | 'NAME' | 'EMAIL' | 'PHONE';

export interface Returning {
  object: string;
  fields: readonly string[];
  where?: SoqlFragment;
  orderBy?: SoqlFragment;
  limit?: number;
}

export interface FindOptions {
  /** Which fields to search (default ALL). */
  in?: SearchScope;
  returning: readonly Returning[];
  /** Total rows across all objects (Salesforce's maximum is 2000). */
  limit?: number;
  /**
   * `words` (default): every word must match, each may be a prefix when `prefix` is set; `any`: at
   * least one word must match (words joined with OR, those with fewer than two letters or digits
   * left out), so that Salesforce's relevance ranks the records matching more words first;
   * `phrase`: the exact phrase.
   */
  match?: 'words' | 'any' | 'phrase';
  /** Let each word match as a prefix (`acm` finds Acme). */
  prefix?: boolean;
}

function checkLimit(limit: number | undefined, max: number): string {
  if (limit === undefined) return '';
  if (!Number.isInteger(limit) || limit < 1 || limit > max)
    throw new TypeError(`A SOSL LIMIT must be an integer from 1 to ${max}`);
  return ` LIMIT ${limit}`;
}

/**
 * Builds a SOSL search from user text: every reserved character is escaped, so the text is searched
 * for as written and can never add operators, wildcards or clauses.
 *
 * ```ts
 * sosl.find('Sarah (VP)', { in: 'NAME', returning: [{ object: 'Contact', fields: ['Id', 'Name'] }], limit: 10 })
 * ```
 */
function find(text: string, options: FindOptions): SoslStatement {
  const words = text.trim().split(/\s+/).filter(Boolean);
  // Salesforce refuses a term without a word of at least two letters or digits.
  if (!hasSearchableWord(text))
    throw new TypeError('A search term needs a word of at least two letters or digits');
  if (options.returning.length === 0)
    throw new TypeError('A SOSL search needs at least one RETURNING object');
  // AND, OR and NOT are operators in a FIND term: as words someone typed, they are quoted.
  const word = (w: string) =>
    OPERATOR_WORD.test(w) ? `"${w}"` : escapeSoslTerm(w) + (options.prefix ? '*' : '');
  const term =
    options.match === 'phrase'
      ? `"${escapeSoslTerm(words.join(' '))}"`
      : options.match === 'any'
        ? words.filter(hasSearchableWord).map(word).join(' OR ')
        : words.map(word).join(' ');
  const returning = options.returning.map((r) => {
    const parts = [soql.fields(r.fields).text];
    if (r.where) parts.push(`WHERE ${r.where.text}`);
    if (r.orderBy) parts.push(`ORDER BY ${r.orderBy.text}`);
    return `${soql.ident(r.object).text}(${parts.join(' ')}${checkLimit(r.limit, 2000)})`;
  });
  return new SoslStatement(
    `FIND {${term}} IN ${options.in ?? 'ALL'} FIELDS RETURNING ${returning.join(', ')}${checkLimit(options.limit, 2000)}`,
    CONSTRUCT,
  );
}

export const sosl = { find, escape: escapeSoslTerm };
