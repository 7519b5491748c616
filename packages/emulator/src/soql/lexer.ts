import { ApiError } from '../errors.ts';

export type TokenKind = 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'op' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** For strings, the unescaped value; otherwise the source text. */
  value: string;
  /** Source text as written. */
  raw: string;
  /** For strings: the literal as a LIKE pattern (`\\` escapes), and whether it used `\%` or `\_`. */
  pattern?: string;
  likeOnly?: boolean;
  offset: number;
  line: number;
  column: number;
}

/** Salesforce allows at most 4000 characters in one string literal. */
export const MAX_LITERAL_LENGTH = 4000;

const DATE = /\d{4}-\d{2}-\d{2}(?![\d:T])/y;
const DATETIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})/y;
const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

/** A MALFORMED_QUERY error pointing at a position, worded as Salesforce words them. */
export function malformed(source: string, token: Pick<Token, 'line' | 'column'>, detail: string): ApiError {
  const lineText = source.split('\n')[token.line - 1] ?? '';
  const caret = `${' '.repeat(Math.max(0, token.column - 1))}^`;
  return new ApiError(
    400,
    'MALFORMED_QUERY',
    `\n${lineText}\n${caret}\nERROR at Row:${token.line}:Column:${token.column}\n${detail}`,
  );
}

export const unexpected = (source: string, token: Token) =>
  malformed(
    source,
    token,
    token.kind === 'eof' ? "unexpected token: '<EOF>'" : `unexpected token: '${token.raw}'`,
  );

const STRING_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
};

function matchDate(source: string, offset: number): Pick<Token, 'kind' | 'value' | 'raw'> | null {
  for (const [kind, re] of [
    ['datetime', DATETIME],
    ['date', DATE],
  ] as const) {
    re.lastIndex = offset;
    const m = re.exec(source);
    if (m) return { kind, value: m[0], raw: m[0] };
  }
  return null;
}

/** Splits SOQL (or a SOSL clause) into tokens, unescaping string literals. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (offset: number) => ({ offset, line, column: offset - lineStart + 1 });
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = at(i);
    if (ch === "'") {
      // `value` is the literal as text; `pattern` the same literal as a SQL LIKE pattern with `\` as
      // its escape character, where `\%` and `\_` stay literal and a literal backslash is doubled.
      let value = '';
      let pattern = '';
      let likeOnly = false;
      let j = i + 1;
      for (;;) {
        if (j >= source.length) throw malformed(source, start, "unexpected token: '<EOF>'");
        const c = source[j] as string;
        if (c === "'") break;
        if (c === '\\') {
          const next = source[j + 1] ?? '';
          let ch: string | undefined;
          let width = 2;
          if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(j + 2, j + 6))) {
            ch = String.fromCharCode(Number.parseInt(source.slice(j + 2, j + 6), 16));
            width = 6;
          } else if (next === '%' || next === '_') {
            // Only LIKE gives these a meaning; the compiler rejects them elsewhere.
            value += next;
            pattern += `\\${next}`;
            likeOnly = true;
            j += 2;
            continue;
          } else {
            ch = STRING_ESCAPES[next];
          }
          if (ch === undefined) {
            throw malformed(
              source,
              at(j),
              `Invalid string literal '${source.slice(i, j + 2)}'. Illegal character sequence '\\${next}' in string literal.`,
            );
          }
          value += ch;
          pattern += ch === '\\' || ch === '%' || ch === '_' ? `\\${ch}` : ch;
          j += width;
          continue;
        }
        if (c === '\n') {
          line++;
          lineStart = j + 1;
        }
        value += c;
        pattern += c;
        j++;
      }
      if (value.length > MAX_LITERAL_LENGTH) {
        throw malformed(
          source,
          start,
          `String literal too long: ${value.length} characters, the maximum is ${MAX_LITERAL_LENGTH}`,
        );
      }
      tokens.push({ kind: 'string', value, pattern, likeOnly, raw: source.slice(i, j + 1), ...start });
      i = j + 1;
      continue;
    }
    const dated = matchDate(source, i);
    if (dated) {
      tokens.push({ ...dated, ...start });
      i += dated.raw.length;
      continue;
    }
    if (/[0-9.]/.test(ch) || ((ch === '-' || ch === '+') && /[0-9.]/.test(source[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(source);
      if (m) {
        tokens.push({ kind: 'number', value: m[0], raw: m[0], ...start });
        i += m[0].length;
        continue;
      }
    }
    IDENT.lastIndex = i;
    const ident = IDENT.exec(source);
    if (ident) {
      tokens.push({ kind: 'ident', value: ident[0], raw: ident[0], ...start });
      i += ident[0].length;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === '!=' || two === '<>' || two === '<=' || two === '>=') {
      tokens.push({ kind: 'op', value: two === '<>' ? '!=' : two, raw: two, ...start });
      i += 2;
      continue;
    }
    if (ch === '=' || ch === '<' || ch === '>') {
      tokens.push({ kind: 'op', value: ch, raw: ch, ...start });
      i++;
      continue;
    }
    if ('(),.:{}'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch, raw: ch, ...start });
      i++;
      continue;
    }
    throw malformed(source, start, `unexpected token: '${ch}'`);
  }
  tokens.push({ kind: 'eof', value: '', raw: '', ...at(source.length) });
  return tokens;
}
