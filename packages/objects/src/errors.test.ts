import { describe, expect, it } from 'vitest';
import { nextStep } from './errors.ts';

describe('nextStep', () => {
  it("says what to do next in the door's own words", () => {
    expect(nextStep('CONFIRMATION_USED', { token: 'confirmationToken' })).toBe(
      'Nothing was written twice. To make another change, call again without confirmationToken.',
    );
    expect(nextStep('CONFIRMATION_EXPIRED', { token: 'confirmation_token' })).toMatch(
      /without confirmation_token/,
    );
    expect(
      nextStep('IDEMPOTENCY_OUTCOME_UNKNOWN', {
        token: 'confirmationToken',
        idempotencyKey: 'Idempotency-Key',
      }),
    ).toMatch(/call again with a new Idempotency-Key\.$/);
    expect(nextStep('IDEMPOTENCY_OUTCOME_UNKNOWN', { token: 'confirmationToken' })).toMatch(/call again\.$/);
  });

  it('has a step for every refusal a caller can act on, and none for what it cannot', () => {
    for (const code of [
      'INVALID_INPUT',
      'NOT_FOUND',
      'CONFIRMATION_MISMATCH',
      'CONFIRMATION_STALE',
      'SF_REFUSED',
    ])
      expect(nextStep(code, { token: 't' }), code).toMatch(/\.$/);
    expect(nextStep('SOMETHING_ELSE', { token: 't' })).toBeUndefined();
  });
});
