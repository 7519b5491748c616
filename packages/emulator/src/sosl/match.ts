/**
 * Turns a parsed search term into SQL over an object's full-text index.
 *
 * Each word or phrase becomes an FTS5 phrase over the index columns of the search group. A word
 * is tokenized the way the index is (unicode61: letters and digits, case and accents folded), so
 * `john.smith@acme.com` is the phrase `john smith acme com`. A trailing `*` is an FTS5 prefix
 * query. Other wildcards (`?`, a `*` inside a word) have no FTS5 equivalent: the index is asked for
 * the text before the first wildcard as a prefix, and a regular expression over the record's text
 * in the searched fields keeps only exact matches.
 *
 * Phone numbers match by digits: a term made only of digits and phone punctuation also matches the
 * index's `digits` column by prefix, so `(415) 555-0100`, `4155550100` and `555-0100` all find
 * `+1 415 555 0100` (unconfirmed: Salesforce's exact phone rules).
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { ObjectMeta } from '../metadata/types.ts';
import { quoteIdent } from '../store/database.ts';
import {
  groupFields,
  type IndexedFields,
  indexTable,
  RELEVANCE_WEIGHTS,
  type SearchGroup,
} from './search-index.ts';
import type { TermNode, Word } from './term.ts';

/** Case and accents folded, as the index's tokenizer folds them. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const ALNUM = /[\p{L}\p{N}]/u;
const TOKEN_CHAR = '[\\p{L}\\p{N}]';
const SEPARATOR = '[^\\p{L}\\p{N}]+';

const regexCache = new Map<string, RegExp>();

function compiled(pattern: string): RegExp {
  let regex = regexCache.get(pattern);
  if (!regex) {
    regex = new RegExp(pattern, 'u');
    if (regexCache.size >= 500) regexCache.delete(regexCache.keys().next().value as string);
    regexCache.set(pattern, regex);
  }
  return regex;
}

const registered = new WeakSet<DatabaseSync>();

/** Registers `_sosl_regexp(pattern, text)`, which tests folded text against a wildcard pattern. */
export function registerSearchFunctions(db: DatabaseSync): void {
  if (registered.has(db)) return;
  db.function('_sosl_regexp', { deterministic: true }, (pattern, text) =>
    typeof pattern === 'string' && typeof text === 'string' && compiled(pattern).test(fold(text)) ? 1 : 0,
  );
  registered.add(db);
}

interface Leaf {
  /** The FTS5 phrase (with `*` for a prefix), or null when the words hold no letter or digit. */
  fts: string | null;
  /** A regular expression the record's text must match too, for wildcards FTS5 cannot express. */
  regex: string | null;
  /** Digits of a phone-like term, matched by prefix against the `digits` column. */
  digits: string | null;
}

const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;
const escapeRegex = (ch: string) => ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** A term of digits and phone punctuation only, with at least three digits. */
function phoneDigits(words: Word[]): string | null {
  let text = '';
  for (const word of words) {
    for (const part of word.parts) {
      if (part.kind !== 'text') return null;
      text += part.text;
    }
  }
  if (!/^[\d\s().+/-]+$/.test(text)) return null;
  const digits = text.replace(/\D/g, '');
  return digits.length >= 3 ? digits : null;
}

function leafOf(words: Word[]): Leaf {
  let literal = '';
  let cut = false;
  let prefix = false;
  let needsRegex = false;
  let regex = '';
  let pendingSeparator = false;
  const wildcards = words.flatMap((w) => w.parts.filter((p) => p.kind !== 'text'));
  words.forEach((word, w) => {
    if (w > 0) {
      if (!cut) literal += ' ';
      pendingSeparator = regex !== '';
    }
    word.parts.forEach((part, p) => {
      if (part.kind === 'text') {
        // An escaped control character separates words, as whitespace does (SQLite's FTS5 query
        // parser stops at a NUL).
        if (!cut) literal += part.text.replace(/\p{Cc}/gu, ' ');
        for (const ch of fold(part.text)) {
          if (ALNUM.test(ch)) {
            if (pendingSeparator) regex += SEPARATOR;
            pendingSeparator = false;
            regex += escapeRegex(ch);
          } else if (regex !== '') pendingSeparator = true;
        }
        return;
      }
      const last = w === words.length - 1 && p === word.parts.length - 1;
      const simpleTrailing =
        part.kind === 'any' && last && wildcards.length === 1 && ALNUM.test(literal.at(-1) ?? '');
      if (!simpleTrailing) needsRegex = true;
      if (!cut) {
        cut = true;
        prefix = true;
      }
      if (pendingSeparator) regex += SEPARATOR;
      pendingSeparator = false;
      regex += part.kind === 'any' ? `${TOKEN_CHAR}*` : TOKEN_CHAR;
    });
  });
  const hasText = ALNUM.test(fold(literal));
  return {
    fts: hasText ? `${quote(literal)}${prefix ? ' *' : ''}` : null,
    regex: hasText && needsRegex ? `(?<!${TOKEN_CHAR})${regex}(?!${TOKEN_CHAR})` : null,
    digits: phoneDigits(words),
  };
}

/** The FTS5 column filter of a search group (none for ALL FIELDS). */
function columnFilter(group: SearchGroup): string | null {
  switch (group) {
    case 'ALL':
      return null;
    case 'NAME':
      return '{name}';
    case 'EMAIL':
      return '{email}';
    case 'PHONE':
      return '{phone digits}';
  }
}

const usesDigits = (group: SearchGroup) => group === 'ALL' || group === 'PHONE';

type Compiled = { kind: 'none' } | { kind: 'fts'; text: string } | { kind: 'sql'; sql: string };

/**
 * SQL that is true for the rows of `object` (aliased `alias`) that the term matches in the search
 * group, with values bound through `bind`.
 */
export function matchSql(
  term: TermNode,
  group: SearchGroup,
  object: ObjectMeta,
  fields: IndexedFields,
  alias: string,
  bind: (value: SQLInputValue) => string,
): string {
  const searched = groupFields(fields, group);
  // An object without fields of the group (no phone field) has nothing to find there.
  if (searched.length === 0) return '0';
  const fts = quoteIdent(indexTable(object));
  const filter = columnFilter(group);
  const textSql = `concat_ws(char(10), ${searched.map((f) => `${alias}.${quoteIdent(f.name)}`).join(', ')})`;
  const scoped = (text: string) => (filter ? `${filter} : (${text})` : `(${text})`);
  const withDigits = (text: string | null, digits: string | null): string | null => {
    const parts = [text ? scoped(text) : null];
    if (digits && usesDigits(group)) parts.push(`{digits} : ${quote(digits)} *`);
    const present = parts.filter((p): p is string => p !== null);
    return present.length === 0 ? null : present.join(' OR ');
  };
  const inIndex = (text: string) =>
    `${alias}.rowid IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ${bind(text)})`;
  const toSql = (c: Compiled): string =>
    c.kind === 'none' ? '0' : c.kind === 'fts' ? inIndex(c.text) : c.sql;

  const compile = (node: TermNode): Compiled => {
    switch (node.kind) {
      case 'words': {
        const leaf = leafOf(node.words);
        if (leaf.regex) {
          // Wildcards FTS5 cannot express: the index narrows, the pattern decides.
          const narrowed = leaf.fts ? inIndex(scoped(leaf.fts)) : '0';
          const exact = `(${narrowed} AND _sosl_regexp(${bind(leaf.regex)}, ${textSql}))`;
          const digits = leaf.digits && usesDigits(group) ? withDigits(null, leaf.digits) : null;
          return { kind: 'sql', sql: digits ? `(${exact} OR ${inIndex(digits)})` : exact };
        }
        const text = withDigits(leaf.fts, leaf.digits);
        return text ? { kind: 'fts', text: `(${text})` } : { kind: 'none' };
      }
      case 'and':
      case 'or': {
        // A word with no letter or digit (`\-`) constrains nothing in an AND and adds nothing to an OR.
        const used = node.operands.map(compile).filter((p) => p.kind !== 'none');
        if (used.length === 0) return { kind: 'none' };
        const connective = ` ${node.kind.toUpperCase()} `;
        let result: Compiled = used.every((p) => p.kind === 'fts')
          ? { kind: 'fts', text: `(${used.map((p) => (p as { text: string }).text).join(connective)})` }
          : { kind: 'sql', sql: `(${used.map(toSql).join(connective)})` };
        // Words that together make a phone number (`415 555 0100`) also match its digits.
        const plainWords = node.operands.every((o) => o.kind === 'words' && !o.phrase);
        const digits =
          node.kind === 'and' && plainWords && usesDigits(group)
            ? phoneDigits(node.operands.flatMap((o) => (o.kind === 'words' ? o.words : [])))
            : null;
        if (digits) {
          const alt = `{digits} : ${quote(digits)} *`;
          result =
            result.kind === 'fts'
              ? { kind: 'fts', text: `(${result.text} OR ${alt})` }
              : { kind: 'sql', sql: `(${toSql(result)} OR ${inIndex(alt)})` };
        }
        return result;
      }
      case 'andNot': {
        const left = compile(node.left);
        const right = compile(node.right);
        if (left.kind === 'none') return left;
        if (right.kind === 'none') return left;
        if (left.kind === 'fts' && right.kind === 'fts') {
          return { kind: 'fts', text: `(${left.text} NOT ${right.text})` };
        }
        return { kind: 'sql', sql: `(${toSql(left)} AND NOT ${toSql(right)})` };
      }
    }
  };
  return toSql(compile(term));
}

/**
 * SQL for a matched row's relevance (lower is more relevant; null for a row that only wildcards or
 * phone digits matched): FTS5's bm25 over the term's words, any of them, with the index columns
 * weighed as {@link RELEVANCE_WEIGHTS}. Words after AND NOT do not count.
 */
export function relevanceSql(
  term: TermNode,
  group: SearchGroup,
  object: ObjectMeta,
  alias: string,
  bind: (value: SQLInputValue) => string,
): string | null {
  const phrases: string[] = [];
  const collect = (node: TermNode) => {
    switch (node.kind) {
      case 'words': {
        const fts = leafOf(node.words).fts;
        if (fts) phrases.push(fts);
        return;
      }
      case 'and':
      case 'or':
        for (const operand of node.operands) collect(operand);
        return;
      case 'andNot':
        collect(node.left);
        return;
    }
  };
  collect(term);
  if (phrases.length === 0) return null;
  const filter = columnFilter(group);
  const text = `(${phrases.join(' OR ')})`;
  const fts = quoteIdent(indexTable(object));
  return `(SELECT bm25(${fts}, ${RELEVANCE_WEIGHTS.join(', ')}) FROM ${fts} WHERE ${fts} MATCH ${bind(filter ? `${filter} : ${text}` : text)} AND ${fts}.rowid = ${alias}.rowid)`;
}
