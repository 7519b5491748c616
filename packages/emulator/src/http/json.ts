import { ApiError } from '../errors.ts';

/** Jackson's token names, which Salesforce's JSON errors quote (`from VALUE_STRING value abc`). */
export type JsonToken =
  | 'VALUE_STRING'
  | 'VALUE_NUMBER_INT'
  | 'VALUE_NUMBER_FLOAT'
  | 'VALUE_TRUE'
  | 'VALUE_FALSE'
  | 'VALUE_NULL'
  | 'START_ARRAY'
  | 'START_OBJECT';

/** Where a top-level member's value starts, and what kind of token it is. */
export interface JsonLocation {
  line: number;
  column: number;
  token: JsonToken;
  /** The value's source text for scalars (numbers keep their exact digits). */
  text: string;
}

export interface ParsedJson {
  value: unknown;
  /** For a top-level object: each member's value location, by member name as written. */
  locations: Map<string, JsonLocation>;
}

/** Salesforce parses bodies with Jackson; its syntax errors are JSON_PARSER_ERROR with a position. */
export const jsonParserError = (message: string) => new ApiError(400, 'JSON_PARSER_ERROR', message);

const MAX_DEPTH = 256;

/**
 * A strict JSON parser (RFC 8259) that remembers where each top-level member's value starts, so
 * that type errors can name a line and column as Salesforce's do. Syntax errors are worded after
 * Jackson's, which Salesforce returns verbatim (the exact wording is unconfirmed).
 */
export function parseJson(text: string): ParsedJson {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const locations = new Map<string, JsonLocation>();

  const where = (at = i) => `[line:${line}, column:${at - lineStart + 1}]`;
  const describe = (ch: string) =>
    ch === undefined || ch === '' ? 'end-of-input' : `character ('${ch}' (code ${ch.charCodeAt(0)}))`;
  const fail = (expectation: string): never => {
    if (i >= text.length) throw jsonParserError(`Unexpected end-of-input: ${expectation} at ${where()}`);
    throw jsonParserError(`Unexpected ${describe(text[i] as string)}: ${expectation} at ${where()}`);
  };

  const skipSpace = () => {
    for (;;) {
      const ch = text.charCodeAt(i);
      if (ch === 10) {
        i++;
        line++;
        lineStart = i;
      } else if (ch === 32 || ch === 9 || ch === 13) i++;
      else return;
    }
  };

  const parseString = (): string => {
    // i is at the opening quote.
    i++;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= text.length) fail('expected close marker for String');
      const ch = text.charCodeAt(i);
      if (ch === 34) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (ch === 92) {
        out += text.slice(start, i);
        const esc = text[i + 1];
        i += 2;
        switch (esc) {
          case '"':
            out += '"';
            break;
          case '\\':
            out += '\\';
            break;
          case '/':
            out += '/';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              i -= 1;
              fail('expected a hex-digit for character escape sequence');
            }
            out += String.fromCharCode(Number.parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            i -= 1;
            fail('Unrecognized character escape');
        }
        start = i;
        continue;
      }
      if (ch < 32) {
        fail('Illegal unquoted character: has to be escaped using backslash to be included in string value');
      }
      i++;
    }
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

  const parseValue = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    skipSpace();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const object: Record<string, unknown> = {};
      skipSpace();
      if (text[i] === '}') {
        i++;
        return object;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail('was expecting double-quote to start field name');
        const key = parseString();
        skipSpace();
        if (text[i] !== ':') fail('was expecting a colon to separate field name and value');
        i++;
        skipSpace();
        const valueStart = i;
        const valueLine = line;
        const valueColumn = i - lineStart + 1;
        const value = parseValue(depth + 1);
        if (depth === 0) {
          locations.set(key, {
            line: valueLine,
            column: valueColumn,
            token: tokenOf(value, text.slice(valueStart, i)),
            text:
              typeof value === 'object' && value !== null && !(value instanceof JsonNumber)
                ? ''
                : text.slice(valueStart, i).replace(/^"|"$/g, ''),
          });
        }
        // A member named __proto__ must stay data, not become the prototype.
        Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return object;
        }
        fail('was expecting comma to separate Object entries');
      }
    }
    if (ch === '[') {
      i++;
      const array: unknown[] = [];
      skipSpace();
      if (text[i] === ']') {
        i++;
        return array;
      }
      for (;;) {
        array.push(parseValue(depth + 1));
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return array;
        }
        fail('was expecting comma to separate Array entries');
      }
    }
    if (ch === '"') return parseString();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (match && match[0] !== '-') {
      i += match[0].length;
      return new JsonNumber(match[0]);
    }
    return fail(
      "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
    );
  };

  skipSpace();
  if (i >= text.length) throw jsonParserError('No content to map due to end-of-input');
  const value = parseValue(0);
  skipSpace();
  if (i < text.length) fail('expected end-of-input after the root value');
  return { value, locations };
}

/**
 * A number as written: Salesforce keeps decimal precision, so the emulator converts it per field
 * (int, double, currency) instead of trusting a float.
 */
export class JsonNumber {
  readonly raw: string;
  constructor(raw: string) {
    this.raw = raw;
  }
  get isInteger(): boolean {
    return !/[.eE]/.test(this.raw);
  }
  valueOf(): number {
    return Number(this.raw);
  }
  toJSON(): number {
    return Number(this.raw);
  }
}

function tokenOf(value: unknown, source: string): JsonToken {
  if (value === null) return 'VALUE_NULL';
  if (value === true) return 'VALUE_TRUE';
  if (value === false) return 'VALUE_FALSE';
  if (typeof value === 'string') return 'VALUE_STRING';
  if (value instanceof JsonNumber) return value.isInteger ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT';
  if (Array.isArray(value)) return 'START_ARRAY';
  return source.startsWith('{') ? 'START_OBJECT' : 'VALUE_STRING';
}

/** Converts parsed JSON (with JsonNumber leaves) to plain values. */
export function toPlain(value: unknown): unknown {
  if (value instanceof JsonNumber) return Number(value.raw);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}
