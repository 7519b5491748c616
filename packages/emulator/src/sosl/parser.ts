/**
 * The SOSL statement: `FIND {term} [IN ALL|NAME|EMAIL|PHONE|SIDEBAR FIELDS]
 * [RETURNING Object[(fields [WHERE ...] [ORDER BY ...] [LIMIT n] [OFFSET n])], ...] [WITH ...]
 * [LIMIT n] [UPDATE TRACKING|VIEWSTAT]`.
 *
 * The term is cut out first (it has its own syntax, see term.ts). The rest is read with the SOQL
 * lexer, and each RETURNING clause is handed to the SOQL parser as `SELECT fields FROM Object ...`
 * built from the clause's own tokens, so its WHERE, ORDER BY, LIMIT and OFFSET are SOQL's, and
 * every error points at the row and column of the SOSL statement.
 */
import { ApiError } from '../errors.ts';
import type { SelectQuery } from '../soql/ast.ts';
import { malformed, type Token, tokenize } from '../soql/lexer.ts';
import { parseSoqlTokens } from '../soql/parser.ts';
import type { SearchGroup } from './search-index.ts';
import { parseTerm, type TermNode } from './term.ts';

/** One RETURNING clause, as a SOQL query over the object. */
export interface ObjectSearch {
  /** The text positions in `query` refer to (the SOSL statement, or a built SOQL query). */
  source: string;
  query: SelectQuery;
}

export interface SoslStatement {
  term: TermNode;
  group: SearchGroup;
  /** The RETURNING clauses; null when there is none (every searchable object, Ids only). */
  returning: ObjectSearch[] | null;
  /** The LIMIT of the whole search, if given. */
  limit: number | null;
}

/** The longest SOSL statement accepted (Salesforce documents 100,000 characters for SOQL). */
const MAX_STATEMENT_LENGTH = 100_000;

const noTerm = () =>
  new ApiError(400, 'MALFORMED_SEARCH', 'No search term found. The search term must be enclosed in braces.');

/** A SOQL parse error, reported as Salesforce reports errors in SOSL (same layout, MALFORMED_SEARCH). */
export function asSearchError(error: unknown): unknown {
  if (error instanceof ApiError && error.errorCode === 'MALFORMED_QUERY') {
    return new ApiError(400, 'MALFORMED_SEARCH', error.message);
  }
  return error;
}

function positionOf(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const searchError = (source: string, at: { line: number; column: number }, detail: string) =>
  new ApiError(400, 'MALFORMED_SEARCH', malformed(source, at, detail).message);

const GROUPS: Record<string, SearchGroup> = {
  ALL: 'ALL',
  NAME: 'NAME',
  EMAIL: 'EMAIL',
  PHONE: 'PHONE',
  // The sidebar searches names and a few standard fields; read as ALL FIELDS (unconfirmed).
  SIDEBAR: 'ALL',
};

/** Parses a search group name (`ALL`, `name`, ...), for SOSL and parameterized search alike. */
export function searchGroup(name: string): SearchGroup | undefined {
  return GROUPS[name.toUpperCase()];
}

/** Keywords that end a RETURNING clause's field list. */
const CLAUSE_KEYWORDS = new Set(['WHERE', 'ORDER', 'LIMIT', 'OFFSET', 'USING']);

/** Parses a SOSL statement, throwing Salesforce's errors (MALFORMED_SEARCH and the SOQL codes). */
export function parseSosl(source: string): SoslStatement {
  if (source.length > MAX_STATEMENT_LENGTH) {
    throw new ApiError(
      400,
      'MALFORMED_SEARCH',
      `SOSL statement is too long: the maximum is ${MAX_STATEMENT_LENGTH} characters`,
    );
  }
  const find = /^\s*FIND\s*/i.exec(source);
  if (!find) throw noTerm();
  const open = find[0].length;
  if (source[open] !== '{') throw noTerm();
  let close = -1;
  for (let i = open + 1; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') i++;
    else if (ch === '}') {
      close = i;
      break;
    }
  }
  if (close < 0) throw noTerm();
  const termText = source.slice(open + 1, close);
  const term = parseTerm(termText, (ch, at) =>
    searchError(source, positionOf(source, open + 1 + at), `unexpected token: '${ch}'`),
  );
  // The rest, read with the SOQL lexer; the term is blanked out so that positions stay the same.
  const rest = source.slice(0, close + 1).replace(/[^\n]/g, ' ') + source.slice(close + 1);
  let tokens: Token[];
  try {
    tokens = tokenize(rest);
  } catch (error) {
    throw asSearchError(error);
  }
  return new Clauses(source, tokens, term).parse();
}

class Clauses {
  private readonly source: string;
  private readonly tokens: Token[];
  private readonly term: TermNode;
  private pos = 0;

  constructor(source: string, tokens: Token[], term: TermNode) {
    this.source = source;
    this.tokens = tokens;
    this.term = term;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)] as Token;
  }

  private fail(token: Token = this.peek()): never {
    throw searchError(
      this.source,
      token,
      token.kind === 'eof' ? "unexpected token: '<EOF>'" : `unexpected token: '${token.raw}'`,
    );
  }

  private isKeyword(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'ident' && token.value.toUpperCase() === word;
  }

  private expectKeyword(word: string): void {
    if (!this.isKeyword(word)) this.fail();
    this.pos++;
  }

  private isPunct(value: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.value === value;
  }

  private expectPunct(value: string): void {
    if (!this.isPunct(value)) this.fail();
    this.pos++;
  }

  private integer(): number {
    const token = this.peek();
    if (token.kind !== 'number' || !/^\d+$/.test(token.value)) this.fail(token);
    this.pos++;
    return Number(token.value);
  }

  parse(): SoslStatement {
    let group: SearchGroup = 'ALL';
    let returning: ObjectSearch[] | null = null;
    let limit: number | null = null;
    if (this.isKeyword('IN')) {
      this.pos++;
      const token = this.peek();
      const named = token.kind === 'ident' ? searchGroup(token.value) : undefined;
      if (!named) this.fail(token);
      group = named;
      this.pos++;
      this.expectKeyword('FIELDS');
    }
    if (this.isKeyword('RETURNING')) {
      this.pos++;
      returning = [this.objectSearch()];
      while (this.isPunct(',')) {
        this.pos++;
        returning.push(this.objectSearch());
      }
    }
    while (this.isKeyword('WITH')) this.withClause();
    if (this.isKeyword('LIMIT')) {
      this.pos++;
      limit = this.integer();
    }
    if (this.isKeyword('UPDATE')) {
      // `UPDATE TRACKING` / `UPDATE VIEWSTAT` (Knowledge): accepted, no effect.
      this.pos++;
      do {
        if (!this.isKeyword('TRACKING') && !this.isKeyword('VIEWSTAT')) this.fail();
        this.pos++;
      } while (this.isPunct(',') && ++this.pos);
    }
    if (this.peek().kind !== 'eof') this.fail();
    return { term: this.term, group, returning, limit };
  }

  /**
   * `WITH SPELL_CORRECTION = false`, `WITH SNIPPET (target_length=120)`, `WITH HIGHLIGHT`,
   * `WITH METADATA = 'LABELS'`, `WITH NETWORK = '0DB...'` / `IN (...)`, `WITH DIVISION = '...'`,
   * `WITH PricebookId = '01s...'`: accepted, no effect in the emulator.
   */
  private withClause(): void {
    this.pos++;
    const token = this.peek();
    const name = token.kind === 'ident' ? token.value.toUpperCase() : '';
    this.pos++;
    const equalsValue = (kinds: Token['kind'][], words: string[] = []) => {
      const op = this.peek();
      if (op.kind !== 'op' || op.value !== '=') this.fail(op);
      this.pos++;
      const value = this.peek();
      const ok =
        kinds.includes(value.kind) || (value.kind === 'ident' && words.includes(value.value.toUpperCase()));
      if (!ok) this.fail(value);
      this.pos++;
    };
    switch (name) {
      case 'SPELL_CORRECTION':
        equalsValue([], ['TRUE', 'FALSE']);
        return;
      case 'HIGHLIGHT':
        return;
      case 'SNIPPET':
        if (this.isPunct('(')) {
          this.pos++;
          if (!this.isKeyword('TARGET_LENGTH')) this.fail();
          this.pos++;
          equalsValue(['number']);
          this.expectPunct(')');
        }
        return;
      case 'METADATA':
      case 'DIVISION':
      case 'PRICEBOOKID':
        equalsValue(['string']);
        return;
      case 'NETWORK':
        if (this.isKeyword('IN')) {
          this.pos++;
          this.expectPunct('(');
          do {
            if (this.peek().kind !== 'string') this.fail();
            this.pos++;
          } while (this.isPunct(',') && ++this.pos);
          this.expectPunct(')');
          return;
        }
        equalsValue(['string']);
        return;
      default:
        this.fail(token);
    }
  }

  /** `Account`, or `Account(Id, Name WHERE ... ORDER BY ... LIMIT n OFFSET m)`. */
  private objectSearch(): ObjectSearch {
    const name = this.peek();
    if (name.kind !== 'ident') this.fail(name);
    this.pos++;
    const fake = (value: string, at: Token): Token => ({
      kind: 'ident',
      value,
      raw: value,
      offset: at.offset,
      line: at.line,
      column: at.column,
    });
    let fields: Token[] = [fake('Id', name)];
    let clauses: Token[] = [];
    let end: Token = this.peek();
    let select: Token = name;
    if (this.isPunct('(')) {
      select = this.peek();
      const start = ++this.pos;
      let depth = 0;
      for (;;) {
        const token = this.peek();
        if (token.kind === 'eof') this.fail(token);
        if (token.kind === 'punct' && token.value === '(') depth++;
        if (token.kind === 'punct' && token.value === ')') {
          if (depth === 0) break;
          depth--;
        }
        this.pos++;
      }
      end = this.peek();
      const inner = this.tokens.slice(start, this.pos);
      this.pos++;
      let split = inner.length;
      depth = 0;
      for (let i = 0; i < inner.length; i++) {
        const token = inner[i] as Token;
        if (token.kind === 'punct' && token.value === '(') depth++;
        if (token.kind === 'punct' && token.value === ')') depth--;
        if (depth === 0 && token.kind === 'ident' && CLAUSE_KEYWORDS.has(token.value.toUpperCase())) {
          split = i;
          break;
        }
      }
      fields = inner.slice(0, split);
      clauses = inner.slice(split);
      if (fields.length === 0) this.fail(inner[0] ?? end);
    }
    const eof: Token = { ...end, kind: 'eof', value: '', raw: '' };
    const tokens = [fake('SELECT', select), ...fields, fake('FROM', name), name, ...clauses, eof];
    let query: SelectQuery;
    try {
      query = parseSoqlTokens(this.source, tokens);
    } catch (error) {
      throw asSearchError(error);
    }
    checkReturning(this.source, query);
    return { source: this.source, query };
  }
}

/** What SOQL allows and a RETURNING clause does not: aggregates, subqueries, GROUP BY, FOR. */
export function checkReturning(source: string, query: SelectQuery): void {
  const bad =
    query.select.find(
      (item) =>
        item.kind === 'subquery' ||
        (item.kind === 'expr' &&
          item.expr.kind === 'call' &&
          ['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX'].includes(item.expr.name)),
    )?.pos ??
    query.groupBy?.pos ??
    (query.forClause || query.having || query.scope ? query.pos : undefined);
  if (bad) {
    // (unconfirmed) wording: Salesforce's SOSL parser rejects these as unexpected tokens.
    throw searchError(source, bad, 'This clause is not supported in a RETURNING clause of a search');
  }
}
