const STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/**
 * Escapes text for use inside a SOQL string literal (between single quotes). Backslashes are
 * escaped along with quotes and control characters, so that no input can end the literal early:
 * `O'Brien \' OR Id != '` stays one literal. jsforce escapes only single quotes. A lone UTF-16
 * surrogate (which no UTF-8 request can carry) becomes U+FFFD, as a UTF-8 encoder would make it,
 * instead of failing to encode in the request URL.
 */
export function escapeSoqlString(value: string): string {
  return value.toWellFormed().replace(/[\\'"\n\r\t\b\f]/g, (ch) => STRING_ESCAPES[ch] ?? ch);
}

/**
 * Escapes text for use inside a LIKE pattern: as a string literal, and with `%` and `_` made literal,
 * so a search for `100%` does not match everything that starts with 100.
 */
export function escapeSoqlLike(value: string): string {
  return escapeSoqlString(value).replace(/[%_]/g, (ch) => `\\${ch}`);
}
