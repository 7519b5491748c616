import { describe, expect, it } from 'vitest';
import { dateLiteralRange, isDateLiteralName, takesN } from './date-literals.ts';

const at = (iso: string) => new Date(iso);
const range = (name: string, n: number | null, now: string) => dateLiteralRange(name, n, at(now));

describe('date literal ranges (UTC, weeks from Sunday)', () => {
  it('covers single days', () => {
    expect(range('TODAY', null, '2026-03-01T00:00:00Z')).toEqual({ start: '2026-03-01', end: '2026-03-02' });
    expect(range('YESTERDAY', null, '2026-03-01T23:59:59Z')).toEqual({
      start: '2026-02-28',
      end: '2026-03-01',
    });
    expect(range('TOMORROW', null, '2024-02-28T12:00:00Z')).toEqual({
      start: '2024-02-29',
      end: '2024-03-01',
    });
    expect(range('N_DAYS_AGO', 3, '2026-01-02T08:00:00Z')).toEqual({
      start: '2025-12-30',
      end: '2025-12-31',
    });
  });

  it('includes today in LAST_N_DAYS and starts NEXT_N_DAYS tomorrow', () => {
    expect(range('LAST_N_DAYS', 1, '2026-02-12T10:00:00Z')).toEqual({
      start: '2026-02-11',
      end: '2026-02-13',
    });
    expect(range('LAST_90_DAYS', null, '2026-02-12T10:00:00Z')).toEqual(
      range('LAST_N_DAYS', 90, '2026-02-12T10:00:00Z'),
    );
    expect(range('NEXT_N_DAYS', 2, '2026-02-12T10:00:00Z')).toEqual({
      start: '2026-02-13',
      end: '2026-02-15',
    });
  });

  it('starts weeks on Sunday', () => {
    // 2026-02-08 is a Sunday, 2026-02-14 a Saturday.
    expect(range('THIS_WEEK', null, '2026-02-08T00:00:00Z')).toEqual({
      start: '2026-02-08',
      end: '2026-02-15',
    });
    expect(range('THIS_WEEK', null, '2026-02-14T23:00:00Z')).toEqual({
      start: '2026-02-08',
      end: '2026-02-15',
    });
    expect(range('LAST_WEEK', null, '2026-02-12T00:00:00Z')).toEqual({
      start: '2026-02-01',
      end: '2026-02-08',
    });
    expect(range('NEXT_N_WEEKS', 2, '2026-02-12T00:00:00Z')).toEqual({
      start: '2026-02-15',
      end: '2026-03-01',
    });
  });

  it('leaves the current month, quarter and year out of the N-unit literals', () => {
    expect(range('LAST_N_MONTHS', 2, '2026-01-31T00:00:00Z')).toEqual({
      start: '2025-11-01',
      end: '2026-01-01',
    });
    expect(range('NEXT_N_MONTHS', 1, '2026-01-31T00:00:00Z')).toEqual({
      start: '2026-02-01',
      end: '2026-03-01',
    });
    expect(range('N_MONTHS_AGO', 1, '2026-03-31T00:00:00Z')).toEqual({
      start: '2026-02-01',
      end: '2026-03-01',
    });
    expect(range('THIS_QUARTER', null, '2026-05-15T00:00:00Z')).toEqual({
      start: '2026-04-01',
      end: '2026-07-01',
    });
    expect(range('LAST_QUARTER', null, '2026-02-15T00:00:00Z')).toEqual({
      start: '2025-10-01',
      end: '2026-01-01',
    });
    expect(range('LAST_N_QUARTERS', 2, '2026-05-15T00:00:00Z')).toEqual({
      start: '2025-10-01',
      end: '2026-04-01',
    });
    expect(range('NEXT_YEAR', null, '2026-12-31T23:59:59Z')).toEqual({
      start: '2027-01-01',
      end: '2028-01-01',
    });
    expect(range('LAST_N_YEARS', 2, '2026-06-01T00:00:00Z')).toEqual({
      start: '2024-01-01',
      end: '2026-01-01',
    });
    expect(range('THIS_FISCAL_QUARTER', null, '2026-05-15T00:00:00Z')).toEqual(
      range('THIS_QUARTER', null, '2026-05-15T00:00:00Z'),
    );
  });

  it('has no range outside years 1 to 9999', () => {
    expect(range('LAST_N_YEARS', 99999999, '2026-02-12T10:00:00Z')).toBeNull();
    expect(range('NEXT_N_DAYS', 99999999999, '2026-02-12T10:00:00Z')).toBeNull();
    expect(range('LAST_N_YEARS', 2000, '2026-02-12T10:00:00Z')).toEqual({
      start: '0026-01-01',
      end: '2026-01-01',
    });
  });

  it('knows which literals take a number', () => {
    expect(isDateLiteralName('LAST_N_FISCAL_YEARS')).toBe(true);
    expect(isDateLiteralName('LAST_N_DECADES')).toBe(false);
    expect(takesN('LAST_N_DAYS')).toBe(true);
    expect(takesN('N_FISCAL_QUARTERS_AGO')).toBe(true);
    expect(takesN('LAST_90_DAYS')).toBe(false);
    expect(takesN('TODAY')).toBe(false);
  });
});
