/**
 * The search term of a SOSL `FIND {...}` clause (also the `q` of a parameterized search): words,
 * quoted phrases, `*` and `?` wildcards, `AND`, `OR`, `AND NOT`, parentheses, and `\` escapes.
 *
 * Salesforce's rules, as documented: words are split at spaces and punctuation; juxtaposed words
 * are ANDed; operators are case-insensitive (`FIND {"and" or "or"}`); `*` matches zero or more
 * characters and `?` exactly one, in the middle or at the end of a word; the reserved characters
 * `? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -` must be escaped with a backslash (inside quotes too)
 * unless used as an operator, wildcard, phrase delimiter or grouping.
 *
 * Guesses (unconfirmed): AND binds tighter than OR; a reserved character used unescaped where it
 * means nothing is MALFORMED_SEARCH, as is a wildcard at the start of a word; a search whose every
 * term is shorter than two characters is INVALID_SEARCH `search term must be longer than one
 * character`; terms are limited to 10,000 characters and 200 words.
 */
import { ApiError } from '../errors.ts';

/** A piece of a word: literal text, or a wildcard. */
export type WordPart = { kind: 'text'; text: string } | { kind: 'any' } | { kind: 'one' };

/** One word as written (escapes resolved), with its wildcards. */
export interface Word {
  parts: WordPart[];
}

export type TermNode =
  | { kind: 'words'; words: Word[]; phrase: boolean; text: string }
  | { kind: 'and' | 'or'; operands: TermNode[] }
  | { kind: 'andNot'; left: TermNode; right: TermNode };

/** Characters that must be escaped unless they act as operators, wildcards or delimiters. */
export const RESERVED = new Set([...'?&|!{}[]()^~*:\\"\'+-']);

const MAX_TERM_LENGTH = 10_000;
const MAX_WORDS = 200;
const MAX_DEPTH = 50;

export const malformedSearch = (message: string) => new ApiError(400, 'MALFORMED_SEARCH', message);

const tooShort = (term: string) =>
  new ApiError(400, 'INVALID_SEARCH', `search term must be longer than one character: ${term}`);

type Token =
  | { kind: 'word'; word: Word; raw: string; bare: boolean; at: number }
  | { kind: 'phrase'; words: Word[]; raw: string; at: number }
  | { kind: 'open' | 'close'; at: number }
  | { kind: 'end'; at: number };

/** Whitespace, and control characters, which no index token can hold. */
const isSpace = (ch: string) => /[\s\p{Cc}]/u.test(ch);

/** Splits the term into words, phrases and parentheses, resolving escapes. */
function lex(term: string, reservedError: (ch: string, at: number) => ApiError): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  /** Reads one word from `i`; stops at whitespace, or at `"`/`)` when not in a phrase. */
  const readWord = (inPhrase: boolean): { word: Word; raw: string; bare: boolean } => {
    const parts: WordPart[] = [];
    const start = i;
    let bare = true;
    const pushText = (ch: string) => {
      const last = parts.at(-1);
      if (last?.kind === 'text') last.text += ch;
      else parts.push({ kind: 'text', text: ch });
    };
    while (i < term.length) {
      const ch = term[i] as string;
      if (isSpace(ch) || ch === '"' || (!inPhrase && (ch === '(' || ch === ')'))) break;
      if (ch === '\\') {
        const next = term[i + 1];
        if (next === undefined) throw reservedError(ch, i);
        pushText(next);
        bare = false;
        i += 2;
        continue;
      }
      if (ch === '*') parts.push({ kind: 'any' });
      else if (ch === '?') parts.push({ kind: 'one' });
      else if (RESERVED.has(ch)) throw reservedError(ch, i);
      else pushText(ch);
      i++;
    }
    return { word: { parts }, raw: term.slice(start, i), bare };
  };
  while (i < term.length) {
    const ch = term[i] as string;
    if (isSpace(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch === '(' ? 'open' : 'close', at: i });
      i++;
      continue;
    }
    if (ch === '"') {
      const at = i;
      i++;
      const words: Word[] = [];
      for (;;) {
        while (i < term.length && isSpace(term[i] as string)) i++;
        if (i >= term.length) throw malformedSearch(`unmatched quote in search term: ${term}`);
        if (term[i] === '"') {
          i++;
          break;
        }
        const read = readWord(true);
        if (read.word.parts.length === 0) {
          // `(` or `)` inside quotes: reserved, must be escaped.
          throw reservedError(term[i] as string, i);
        }
        words.push(read.word);
      }
      tokens.push({ kind: 'phrase', words, raw: term.slice(at, i), at });
      continue;
    }
    const at = i;
    const read = readWord(false);
    tokens.push({ kind: 'word', ...read, at });
  }
  tokens.push({ kind: 'end', at: term.length });
  return tokens;
}

/** The letters and digits of a word, without wildcards: what the minimum length counts. */
export function literalLength(word: Word): number {
  let n = 0;
  for (const part of word.parts)
    if (part.kind === 'text') n += part.text.replace(/[^\p{L}\p{N}]/gu, '').length;
  return n;
}

/** A word's text as written, wildcards included (for messages). */
export function wordText(word: Word): string {
  return word.parts.map((p) => (p.kind === 'text' ? p.text : p.kind === 'any' ? '*' : '?')).join('');
}

/**
 * Parses a search term. `reservedError` builds the error for an unescaped reserved character (the
 * caller knows where the term sits in its statement).
 */
export function parseTerm(
  term: string,
  reservedError: (ch: string, at: number) => ApiError = (ch) =>
    malformedSearch(`unexpected token: '${ch}' (reserved characters must be escaped with '\\')`),
): TermNode {
  if (term.length > MAX_TERM_LENGTH) {
    throw malformedSearch(`search term is too long: the maximum is ${MAX_TERM_LENGTH} characters`);
  }
  const tokens = lex(term, reservedError);
  let pos = 0;
  let depth = 0;
  let wordCount = 0;
  const peek = () => tokens[pos] as Token;
  const isOperator = (token: Token, name: string) =>
    token.kind === 'word' && token.bare && token.raw.toUpperCase() === name;
  const unexpected = (token: Token): never => {
    if (token.kind === 'end') throw malformedSearch(`unexpected end of search term: ${term}`);
    const text =
      token.kind === 'word' || token.kind === 'phrase' ? token.raw : token.kind === 'open' ? '(' : ')';
    throw malformedSearch(`unexpected token in search term: '${text}'`);
  };

  const primary = (): TermNode => {
    const token = peek();
    if (token.kind === 'open') {
      if (++depth > MAX_DEPTH) throw malformedSearch('search term is nested too deeply');
      pos++;
      const inner = orExpr();
      if (peek().kind !== 'close') unexpected(peek());
      pos++;
      depth--;
      return inner;
    }
    if (token.kind === 'phrase') {
      pos++;
      wordCount += token.words.length;
      return { kind: 'words', words: token.words, phrase: true, text: token.raw };
    }
    if (token.kind === 'word' && !isOperator(token, 'AND') && !isOperator(token, 'OR')) {
      pos++;
      wordCount++;
      return { kind: 'words', words: [token.word], phrase: false, text: token.raw };
    }
    return unexpected(token);
  };

  /** Juxtaposed terms, `AND` and `AND NOT`, left to right. */
  const andExpr = (): TermNode => {
    let left = primary();
    for (;;) {
      const token = peek();
      if (token.kind === 'end' || token.kind === 'close' || isOperator(token, 'OR')) return left;
      if (isOperator(token, 'AND')) {
        pos++;
        const next = peek();
        if (isOperator(next, 'NOT')) {
          pos++;
          left = { kind: 'andNot', left, right: primary() };
          continue;
        }
      }
      const right = primary();
      left =
        left.kind === 'and'
          ? { kind: 'and', operands: [...left.operands, right] }
          : { kind: 'and', operands: [left, right] };
    }
  };

  const orExpr = (): TermNode => {
    const operands = [andExpr()];
    while (isOperator(peek(), 'OR')) {
      pos++;
      operands.push(andExpr());
    }
    return operands.length === 1 ? (operands[0] as TermNode) : { kind: 'or', operands };
  };

  if (peek().kind === 'end') throw tooShort(term.trim());
  const root = orExpr();
  if (peek().kind !== 'end') unexpected(peek());
  if (wordCount > MAX_WORDS) {
    throw malformedSearch(`search term has too many words: the maximum is ${MAX_WORDS}`);
  }
  checkWords(root, term);
  return root;
}

/** Wildcards may not start a word; at least one word must have two letters or digits. */
function checkWords(root: TermNode, term: string): void {
  let longest = 0;
  const visit = (node: TermNode) => {
    switch (node.kind) {
      case 'words':
        for (const word of node.words) {
          const first = word.parts[0];
          if (first && first.kind !== 'text') {
            throw malformedSearch(
              `wildcards are not allowed at the start of a search term: ${wordText(word)}`,
            );
          }
          longest = Math.max(longest, literalLength(word));
        }
        return;
      case 'and':
      case 'or':
        for (const operand of node.operands) visit(operand);
        return;
      case 'andNot':
        visit(node.left);
        visit(node.right);
        return;
    }
  };
  visit(root);
  if (longest < 2) throw tooShort(term.trim());
}
