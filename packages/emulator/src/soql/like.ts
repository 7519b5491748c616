/**
 * The emulator's own LIKE, for the patterns SQLite's LIKE cannot read: SQLite stops reading a
 * pattern at a NUL character, so `'%\u0000 ab%'` would become `'%'` and match every row. SOQL
 * compares the whole pattern, NUL included, like any other character.
 */
import type { DatabaseSync } from 'node:sqlite';

/** The SQL name of the function. */
export const SOQL_LIKE = '_soql_like';

const cache = new Map<string, RegExp>();

/**
 * A SOQL LIKE pattern (`%` any run, `_` one character, `\` escaping the next character, as the
 * lexer writes patterns) as a case-insensitive regular expression over the whole value.
 */
export function likeRegExp(pattern: string): RegExp {
  let regex = cache.get(pattern);
  if (regex) return regex;
  let source = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '\\' && i + 1 < chars.length) source += escapeRegex(chars[++i] as string);
    else if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else source += escapeRegex(ch);
  }
  regex = new RegExp(`^${source}$`, 'iu');
  if (cache.size >= 200) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, regex);
  return regex;
}

const escapeRegex = (ch: string) => ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Registers {@link SOQL_LIKE} on a database: `_soql_like(value, pattern)` is 1, 0 or null. */
export function registerLike(db: DatabaseSync): void {
  db.function(SOQL_LIKE, { deterministic: true }, (value, pattern) => {
    if (value === null || typeof pattern !== 'string') return null;
    return likeRegExp(pattern).test(String(value)) ? 1 : 0;
  });
}
