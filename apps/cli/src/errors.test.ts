import { OperationError } from '@sfgql/objects/errors';
import { SalesforceError } from '@sfgql/soql';
import { describe, expect, it } from 'vitest';
import { CliError, errorLine } from './errors.ts';

describe('errorLine', () => {
  it('prints every error as one line with its codes', () => {
    expect(errorLine(new CliError('NOT_CONFIRMED', 'Nothing was written.'))).toBe(
      'sfgql: Nothing was written. (NOT_CONFIRMED)',
    );
    expect(
      errorLine(
        new SalesforceError('SF_QUERY_INVALID', "unexpected token: 'FROM'", { errorCode: 'MALFORMED_QUERY' }),
      ),
    ).toBe("sfgql: unexpected token: 'FROM' (SF_QUERY_INVALID, MALFORMED_QUERY)");
    expect(
      errorLine(
        new OperationError('INVALID_INPUT', '✖ Invalid email\n  → at email\n✖ Required\n  → at lastName'),
      ),
    ).toBe('sfgql: ✖ Invalid email → at email ✖ Required → at lastName (INVALID_INPUT)');
  });

  it("shows what went wrong on the person's own machine instead of masking it", () => {
    const missing = Object.assign(new Error("ENOENT: no such file or directory, open '/nope/x.csv'"), {
      code: 'ENOENT',
    });
    expect(errorLine(missing)).toBe("sfgql: ENOENT: no such file or directory, open '/nope/x.csv' (ENOENT)");
    expect(errorLine('odd')).toBe('sfgql: odd (UNEXPECTED_ERROR)');
  });
});
