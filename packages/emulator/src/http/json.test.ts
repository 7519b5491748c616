import { describe, expect, it } from 'vitest';
import { type JsonNumber, parseJson, toPlain } from './json.ts';

const message = (text: string) => {
  try {
    parseJson(text);
  } catch (error) {
    return (error as { errorCode: string; message: string }).message;
  }
  throw new Error('parsed');
};

describe('parseJson', () => {
  it('parses JSON and keeps numbers as written', () => {
    const { value } = parseJson('{"a": 1.50, "b": [true, null, "x\\u00e9\\n"], "c": {"d": -2e3}}');
    expect(toPlain(value)).toEqual({ a: 1.5, b: [true, null, 'xé\n'], c: { d: -2000 } });
    expect(((value as Record<string, unknown>).a as JsonNumber).raw).toBe('1.50');
  });

  it('records where each top-level value starts, and its token', () => {
    const { locations } = parseJson('{\n  "Name": "Acme",\n  "Employees": 12,\n  "Tags": ["a"]\n}');
    expect(locations.get('Name')).toEqual({ line: 2, column: 11, token: 'VALUE_STRING', text: 'Acme' });
    expect(locations.get('Employees')).toEqual({
      line: 3,
      column: 16,
      token: 'VALUE_NUMBER_INT',
      text: '12',
    });
    expect(locations.get('Tags')).toMatchObject({ line: 4, column: 11, token: 'START_ARRAY' });
  });

  it('words syntax errors as Jackson does, with the position', () => {
    expect(message('{"a": }')).toBe(
      "Unexpected character ('}' (code 125)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false') at [line:1, column:7]",
    );
    expect(message("{'a': 1}")).toBe(
      "Unexpected character (''' (code 39)): was expecting double-quote to start field name at [line:1, column:2]",
    );
    expect(message('{"a": 1,}')).toContain('was expecting double-quote to start field name');
    expect(message('{"a": 1')).toBe(
      'Unexpected end-of-input: was expecting comma to separate Object entries at [line:1, column:8]',
    );
    expect(message('{"a": 1} x')).toContain('expected end-of-input');
    expect(message('')).toBe('No content to map due to end-of-input');
    expect(message('{"a": "\\q"}')).toContain('Unrecognized character escape');
    expect(message('{"a": tru}')).toContain('expected a valid value');
    expect(message('{"a": 01}')).toContain('was expecting comma');
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    expect(message(`{"a": ${'['.repeat(100000)}`)).toContain('nesting too deep');
  });

  it('keeps __proto__ as data', () => {
    const { value } = parseJson('{"__proto__": {"polluted": true}}');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
