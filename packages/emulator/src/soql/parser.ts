import { ApiError } from '../errors.ts';
import type {
  ComparisonOp,
  Condition,
  DataCategoryFilter,
  Expr,
  FieldPath,
  FunctionCall,
  GroupBy,
  Literal,
  OrderItem,
  Pos,
  SelectItem,
  SelectQuery,
  TypeofItem,
} from './ast.ts';
import { isDateLiteralName, takesN } from './date-literals.ts';
import { malformed, type Token, tokenize, unexpected } from './lexer.ts';

/**
 * Words that end a field list or an expression, so they can never be an alias. Salesforce reserves
 * more (and rejects them as aliases the same way: `unexpected token`).
 */
const RESERVED = new Set([
  'AND',
  'ASC',
  'DESC',
  'EXCLUDES',
  'FIRST',
  'FOR',
  'FROM',
  'GROUP',
  'HAVING',
  'IN',
  'INCLUDES',
  'LAST',
  'LIKE',
  'LIMIT',
  'NOT',
  'NULL',
  'NULLS',
  'OFFSET',
  'OR',
  'ORDER',
  'SELECT',
  'USING',
  'WHERE',
  'WITH',
  'UPDATE',
  'TYPEOF',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
]);

/**
 * How deeply conditions, function calls and subqueries may nest. Salesforce's own limit is not
 * documented; this one keeps the recursive descent far from the stack's end.
 */
const MAX_DEPTH = 100;

/** Salesforce's answer to a query too large to plan. */
export const tooComplicated = () =>
  new ApiError(
    400,
    'QUERY_TOO_COMPLICATED',
    'Query is either selecting too many fields or the filter conditions are too complicated.',
  );

const WITH_OPTIONS = new Set(['SECURITY_ENFORCED', 'USER_MODE', 'SYSTEM_MODE']);
const FOR_OPTIONS = new Set(['VIEW', 'REFERENCE', 'UPDATE']);

/**
 * A recursive-descent parser for SOQL. Each method consumes tokens from `pos`; errors carry the row
 * and column of the offending token, as Salesforce's MALFORMED_QUERY does.
 */
class Parser {
  private readonly source: string;
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;

  constructor(source: string, tokens?: Token[]) {
    this.source = source;
    this.tokens = tokens ?? tokenize(source);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  /** Runs a nested production, refusing nesting deeper than {@link MAX_DEPTH}. */
  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) throw tooComplicated();
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private fail(token: Token = this.peek()): never {
    throw unexpected(this.source, token);
  }

  private isKeyword(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'ident' && token.value.toUpperCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.pos++;
    return true;
  }

  private expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) this.fail();
    return this.next();
  }

  private isPunct(value: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'punct' && token.value === value;
  }

  private acceptPunct(value: string): boolean {
    if (!this.isPunct(value)) return false;
    this.pos++;
    return true;
  }

  private expectPunct(value: string): Token {
    if (!this.isPunct(value)) this.fail();
    return this.next();
  }

  /** An identifier that is not a reserved word (unless `anyWord`: object names such as `Group`). */
  private identifier(anyWord = false): Token {
    const token = this.peek();
    if (token.kind !== 'ident' || (!anyWord && RESERVED.has(token.value.toUpperCase()))) this.fail(token);
    return this.next();
  }

  parseQuery(): SelectQuery {
    const query = this.selectQuery(true);
    if (this.peek().kind !== 'eof') this.fail();
    return query;
  }

  private selectQuery(topLevel: boolean): SelectQuery {
    return this.nested(() => this.selectQueryBody(topLevel));
  }

  private selectQueryBody(topLevel: boolean): SelectQuery {
    const selectToken = this.expectKeyword('SELECT');
    const select = [this.selectItem(topLevel)];
    while (this.acceptPunct(',')) select.push(this.selectItem(topLevel));
    this.expectKeyword('FROM');
    const fromToken = this.identifier(true);
    let alias: string | null = null;
    const after = this.peek();
    if (after.kind === 'ident' && !RESERVED.has(after.value.toUpperCase())) alias = this.next().value;
    const query: SelectQuery = {
      select,
      from: { name: fromToken.value, alias, pos: fromToken },
      scope: null,
      where: null,
      with: null,
      dataCategories: [],
      groupBy: null,
      having: null,
      orderBy: [],
      limit: null,
      offset: null,
      forClause: null,
      pos: selectToken,
    };
    if (this.acceptKeyword('USING')) {
      this.expectKeyword('SCOPE');
      query.scope = this.identifier().value.toLowerCase();
    }
    if (this.acceptKeyword('WHERE')) query.where = this.condition();
    if (this.acceptKeyword('WITH')) {
      if (this.isKeyword('DATA')) {
        this.next();
        this.expectKeyword('CATEGORY');
        query.with = 'DATA CATEGORY';
        query.dataCategories = this.dataCategories();
      } else {
        const option = this.peek();
        if (option.kind !== 'ident' || !WITH_OPTIONS.has(option.value.toUpperCase())) this.fail(option);
        query.with = this.next().value.toUpperCase();
      }
    }
    if (this.isKeyword('GROUP')) query.groupBy = this.groupBy();
    if (this.acceptKeyword('HAVING')) query.having = this.condition();
    if (this.acceptKeyword('ORDER')) {
      this.expectKeyword('BY');
      query.orderBy.push(this.orderItem());
      while (this.acceptPunct(',')) query.orderBy.push(this.orderItem());
    }
    if (this.isKeyword('LIMIT')) {
      const pos = this.next();
      query.limit = { value: this.integer(), pos };
    }
    if (this.isKeyword('OFFSET')) {
      const pos = this.next();
      query.offset = { value: this.integer(), pos };
    }
    if (this.acceptKeyword('FOR')) {
      const option = this.peek();
      if (option.kind !== 'ident' || !FOR_OPTIONS.has(option.value.toUpperCase())) this.fail(option);
      query.forClause = this.next().value.toUpperCase();
    }
    if (this.acceptKeyword('UPDATE')) {
      // `UPDATE TRACKING` / `UPDATE VIEWSTAT` (Knowledge): accepted, no effect.
      const option = this.peek();
      if (!this.isKeyword('TRACKING') && !this.isKeyword('VIEWSTAT')) this.fail(option);
      this.next();
    }
    return query;
  }

  /** `Geography__c AT (usa__c, uk__c) AND Product__c BELOW all__c`. */
  private dataCategories(): DataCategoryFilter[] {
    const filters: DataCategoryFilter[] = [];
    do {
      const group = this.identifier();
      const selector = this.peek();
      const word = selector.kind === 'ident' ? selector.value.toUpperCase() : '';
      if (!['AT', 'ABOVE', 'BELOW', 'ABOVE_OR_BELOW'].includes(word)) this.fail(selector);
      this.next();
      const categories: string[] = [];
      if (this.acceptPunct('(')) {
        categories.push(this.identifier().value);
        while (this.acceptPunct(',')) categories.push(this.identifier().value);
        this.expectPunct(')');
      } else {
        categories.push(this.identifier().value);
      }
      filters.push({ group: group.value, selector: word, categories });
    } while (this.acceptKeyword('AND'));
    return filters;
  }

  private selectItem(topLevel: boolean): SelectItem {
    const start = this.peek();
    if (this.isPunct('(')) {
      // Parent-to-child subqueries exist only in the top-level field list (and nested ones inside them).
      if (!topLevel && !this.isKeyword('SELECT', 1)) this.fail();
      this.next();
      const query = this.selectQuery(false);
      this.expectPunct(')');
      return { kind: 'subquery', query, pos: start };
    }
    if (this.isKeyword('TYPEOF')) return this.typeofItem();
    if (this.isKeyword('FIELDS') && this.isPunct('(', 1)) {
      this.next();
      this.next();
      const scope = this.peek();
      const word = scope.kind === 'ident' ? scope.value.toUpperCase() : '';
      if (word !== 'ALL' && word !== 'STANDARD' && word !== 'CUSTOM') this.fail(scope);
      this.next();
      this.expectPunct(')');
      return { kind: 'fields', scope: word, pos: start };
    }
    const expr = this.expr();
    let alias: string | null = null;
    let aliasPos: Pos | null = null;
    const next = this.peek();
    if (next.kind === 'ident' && !RESERVED.has(next.value.toUpperCase())) {
      this.next();
      alias = next.value;
      aliasPos = next;
    }
    return { kind: 'expr', expr, alias, aliasPos, pos: start };
  }

  private typeofItem(): TypeofItem {
    const start = this.next();
    const field = this.fieldPath();
    const whens: TypeofItem['whens'] = [];
    let otherwise: FieldPath[] | null = null;
    while (this.acceptKeyword('WHEN')) {
      const type = this.identifier(true);
      this.expectKeyword('THEN');
      whens.push({ type: type.value, typePos: type, fields: this.fieldList() });
    }
    if (whens.length === 0) this.fail();
    if (this.acceptKeyword('ELSE')) otherwise = this.fieldList();
    this.expectKeyword('END');
    return { kind: 'typeof', field, whens, otherwise, pos: start };
  }

  /** The fields of one TYPEOF branch, up to the next WHEN, ELSE or END. */
  private fieldList(): FieldPath[] {
    const fields = [this.fieldPath()];
    while (this.acceptPunct(',')) fields.push(this.fieldPath());
    return fields;
  }

  private integer(): number {
    const token = this.peek();
    if (token.kind !== 'number' || !/^\d+$/.test(token.value)) this.fail(token);
    this.next();
    const value = Number(token.value);
    if (!Number.isSafeInteger(value)) this.fail(token);
    return value;
  }

  private fieldPath(): FieldPath {
    // A relationship may be named like a keyword (`Group.Name` on GroupMember): a reserved word is
    // a name when a dot follows it or precedes it.
    const first = this.identifier(this.isPunct('.', 1));
    const path = [first.value];
    while (this.isPunct('.')) {
      this.next();
      path.push(this.identifier(true).value);
    }
    return { kind: 'field', path, pos: first };
  }

  /** A field path, or a function of expressions (`COUNT()`, `SUM(Amount)`, `CALENDAR_YEAR(CloseDate)`). */
  private expr(): Expr {
    return this.nested(() => this.exprBody());
  }

  private exprBody(): Expr {
    const first = this.peek();
    if (first.kind === 'ident' && this.isPunct('(', 1) && !RESERVED.has(first.value.toUpperCase())) {
      this.next();
      this.next();
      const args: Expr[] = [];
      if (!this.isPunct(')')) {
        args.push(this.expr());
        while (this.acceptPunct(',')) args.push(this.expr());
      }
      const close = this.peek();
      this.expectPunct(')');
      const call: FunctionCall = {
        kind: 'call',
        name: first.value.toUpperCase(),
        args,
        pos: first,
        text: this.source.slice(first.offset, close.offset + 1),
      };
      return call;
    }
    return this.fieldPath();
  }

  private groupBy(): GroupBy {
    const pos = this.next();
    this.expectKeyword('BY');
    let kind: GroupBy['kind'] = 'plain';
    if ((this.isKeyword('ROLLUP') || this.isKeyword('CUBE')) && this.isPunct('(', 1)) {
      kind = this.next().value.toUpperCase() === 'ROLLUP' ? 'rollup' : 'cube';
      this.next();
      const items = [this.expr()];
      while (this.acceptPunct(',')) items.push(this.expr());
      this.expectPunct(')');
      return { kind, items, pos };
    }
    const items = [this.expr()];
    while (this.acceptPunct(',')) items.push(this.expr());
    return { kind, items, pos };
  }

  private orderItem(): OrderItem {
    const expr = this.expr();
    let direction: OrderItem['direction'] = 'ASC';
    if (this.acceptKeyword('DESC')) direction = 'DESC';
    else this.acceptKeyword('ASC');
    let nulls: OrderItem['nulls'] = null;
    if (this.acceptKeyword('NULLS')) {
      if (this.acceptKeyword('FIRST')) nulls = 'FIRST';
      else if (this.acceptKeyword('LAST')) nulls = 'LAST';
      else this.fail();
    }
    return { expr, direction, nulls };
  }

  /**
   * A condition. SOQL has no precedence between AND and OR: mixing them at one level without
   * parentheses is a syntax error (`a AND b OR c` is rejected at the OR), so each level is a run of
   * one connective only.
   */
  private condition(): Condition {
    const first = this.unary();
    const connective = this.isKeyword('AND') ? 'AND' : this.isKeyword('OR') ? 'OR' : null;
    if (!connective) return first;
    const operands = [first];
    while (this.acceptKeyword(connective)) operands.push(this.unary());
    if (this.isKeyword(connective === 'AND' ? 'OR' : 'AND')) this.fail();
    return { kind: connective === 'AND' ? 'and' : 'or', operands };
  }

  private unary(): Condition {
    return this.nested(() => this.unaryBody());
  }

  private unaryBody(): Condition {
    if (this.isKeyword('NOT')) {
      const pos = this.next();
      return { kind: 'not', operand: this.unary(), pos };
    }
    if (this.isPunct('(')) {
      this.next();
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const left = this.expr();
    const opToken = this.peek();
    if (opToken.kind === 'op') {
      this.next();
      return { kind: 'compare', left, op: opToken.value as ComparisonOp, value: this.value(), pos: opToken };
    }
    if (this.acceptKeyword('LIKE'))
      return { kind: 'compare', left, op: 'LIKE', value: this.value(), pos: opToken };
    if (this.isKeyword('INCLUDES') || this.isKeyword('EXCLUDES')) {
      const negated = this.next().value.toUpperCase() === 'EXCLUDES';
      return { kind: 'includes', left, negated, values: this.valueList(), pos: opToken };
    }
    const negated = this.isKeyword('NOT') && this.isKeyword('IN', 1);
    if (negated) this.next();
    if (this.acceptKeyword('IN')) {
      if (this.isPunct('(') && this.isKeyword('SELECT', 1)) {
        this.next();
        const query = this.selectQuery(false);
        this.expectPunct(')');
        return { kind: 'semijoin', left, negated, query, pos: opToken };
      }
      return { kind: 'in', left, negated, values: this.valueList(), pos: opToken };
    }
    this.fail(opToken);
  }

  private valueList(): Literal[] {
    this.expectPunct('(');
    const values = [this.value()];
    while (this.acceptPunct(',')) values.push(this.value());
    this.expectPunct(')');
    return values;
  }

  private value(): Literal {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return {
          kind: 'string',
          value: token.value,
          pattern: token.pattern ?? token.value,
          likeOnly: token.likeOnly ?? false,
          pos: token,
        };
      case 'number':
        return { kind: 'number', value: Number(token.value), raw: token.value, pos: token };
      case 'date':
        return { kind: 'date', value: token.value, pos: token };
      case 'datetime':
        return { kind: 'datetime', value: token.value, pos: token };
      case 'ident': {
        const word = token.value.toUpperCase();
        if (word === 'NULL') return { kind: 'null', pos: token };
        if (word === 'TRUE' || word === 'FALSE')
          return { kind: 'boolean', value: word === 'TRUE', pos: token };
        if (isDateLiteralName(word)) {
          if (!takesN(word)) return { kind: 'dateLiteral', name: word, n: null, pos: token };
          // `LAST_N_DAYS:30`: the colon and the number are part of the literal.
          if (!this.isPunct(':')) this.fail();
          this.next();
          return { kind: 'dateLiteral', name: word, n: this.integer(), pos: token };
        }
        throw malformed(this.source, token, `unexpected token: '${token.raw}'`);
      }
      default:
        this.fail(token);
    }
  }
}

/** Parses one SOQL SELECT statement, throwing MALFORMED_QUERY with row and column on bad syntax. */
export function parseSoql(source: string): SelectQuery {
  return new Parser(source).parseQuery();
}

/**
 * Parses a SELECT statement from tokens made elsewhere: SOSL builds each RETURNING clause's tokens
 * from its own text, so that errors point at the row and column of the SOSL statement.
 */
export function parseSoqlTokens(source: string, tokens: Token[]): SelectQuery {
  return new Parser(source, tokens).parseQuery();
}
