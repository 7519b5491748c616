import type {
  ComparisonOp,
  Condition,
  FieldPath,
  Literal,
  OrderItem,
  SelectItem,
  SelectQuery,
} from './ast.ts';
import { malformed, type Token, tokenize, unexpected } from './lexer.ts';

/**
 * A recursive-descent parser for SOQL. Each method consumes tokens from `pos`; errors carry the row
 * and column of the offending token, as Salesforce's MALFORMED_QUERY does.
 */
class Parser {
  private readonly source: string;
  private readonly tokens: Token[];
  private pos = 0;

  constructor(source: string) {
    this.source = source;
    this.tokens = tokenize(source);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
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
    if (!this.isKeyword(word)) throw unexpected(this.source, this.peek());
    return this.next();
  }

  private isPunct(value: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.value === value;
  }

  private expectPunct(value: string): Token {
    if (!this.isPunct(value)) throw unexpected(this.source, this.peek());
    return this.next();
  }

  private identifier(): Token {
    const token = this.peek();
    if (token.kind !== 'ident') throw unexpected(this.source, token);
    return this.next();
  }

  parseQuery(): SelectQuery {
    const query = this.selectQuery();
    if (this.peek().kind !== 'eof') throw unexpected(this.source, this.peek());
    return query;
  }

  private selectQuery(): SelectQuery {
    this.expectKeyword('SELECT');
    const select: SelectItem[] = [this.fieldPath()];
    while (this.isPunct(',')) {
      this.next();
      select.push(this.fieldPath());
    }
    this.expectKeyword('FROM');
    const fromToken = this.identifier();
    const query: SelectQuery = {
      select,
      from: { name: fromToken.value, pos: fromToken },
      where: null,
      orderBy: [],
      limit: null,
      offset: null,
    };
    if (this.acceptKeyword('WHERE')) query.where = this.orCondition();
    if (this.isKeyword('ORDER')) {
      this.next();
      this.expectKeyword('BY');
      query.orderBy.push(this.orderItem());
      while (this.isPunct(',')) {
        this.next();
        query.orderBy.push(this.orderItem());
      }
    }
    if (this.acceptKeyword('LIMIT')) query.limit = this.integer();
    if (this.acceptKeyword('OFFSET')) query.offset = this.integer();
    return query;
  }

  private integer(): number {
    const token = this.peek();
    if (token.kind !== 'number' || !/^\d+$/.test(token.value)) throw unexpected(this.source, token);
    this.next();
    return Number(token.value);
  }

  private fieldPath(): FieldPath {
    const first = this.identifier();
    const path = [first.value];
    while (this.isPunct('.')) {
      this.next();
      path.push(this.identifier().value);
    }
    return { kind: 'field', path, pos: first };
  }

  private orderItem(): OrderItem {
    const field = this.fieldPath();
    let direction: OrderItem['direction'] = 'ASC';
    if (this.acceptKeyword('DESC')) direction = 'DESC';
    else this.acceptKeyword('ASC');
    let nulls: OrderItem['nulls'] = null;
    if (this.acceptKeyword('NULLS')) {
      if (this.acceptKeyword('FIRST')) nulls = 'FIRST';
      else if (this.acceptKeyword('LAST')) nulls = 'LAST';
      else throw unexpected(this.source, this.peek());
    }
    return { field, direction, nulls };
  }

  // Precedence, lowest first: OR, AND, NOT, then a comparison or a parenthesised condition.
  private orCondition(): Condition {
    let left = this.andCondition();
    while (this.acceptKeyword('OR')) left = { kind: 'or', left, right: this.andCondition() };
    return left;
  }

  private andCondition(): Condition {
    let left = this.notCondition();
    while (this.acceptKeyword('AND')) left = { kind: 'and', left, right: this.notCondition() };
    return left;
  }

  private notCondition(): Condition {
    if (this.acceptKeyword('NOT')) return { kind: 'not', operand: this.notCondition() };
    if (this.isPunct('(')) {
      this.next();
      const inner = this.orCondition();
      this.expectPunct(')');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const field = this.fieldPath();
    const opToken = this.peek();
    if (opToken.kind === 'op') {
      this.next();
      return {
        kind: 'compare',
        field,
        op: opToken.value as ComparisonOp,
        value: this.literal(),
        pos: opToken,
      };
    }
    if (this.acceptKeyword('LIKE'))
      return { kind: 'compare', field, op: 'LIKE', value: this.literal(), pos: opToken };
    const negated = this.isKeyword('NOT') && this.isKeyword('IN', 1);
    if (negated) this.next();
    if (this.acceptKeyword('IN')) {
      this.expectPunct('(');
      const values = [this.literal()];
      while (this.isPunct(',')) {
        this.next();
        values.push(this.literal());
      }
      this.expectPunct(')');
      return { kind: 'in', field, negated, values, pos: opToken };
    }
    throw unexpected(this.source, opToken);
  }

  private literal(): Literal {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return { kind: 'string', value: token.value };
      case 'number':
        return { kind: 'number', value: Number(token.value), raw: token.value };
      case 'date':
        return { kind: 'date', value: token.value };
      case 'datetime':
        return { kind: 'datetime', value: token.value };
      case 'ident': {
        const word = token.value.toUpperCase();
        if (word === 'NULL') return { kind: 'null' };
        if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE' };
        throw malformed(this.source, token, `unexpected token: '${token.raw}'`);
      }
      default:
        throw unexpected(this.source, token);
    }
  }
}

/** Parses one SOQL SELECT statement, throwing MALFORMED_QUERY with row and column on bad syntax. */
export function parseSoql(source: string): SelectQuery {
  return new Parser(source).parseQuery();
}
