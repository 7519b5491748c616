/**
 * SOQL's relative date literals (`TODAY`, `LAST_N_DAYS:30`, `THIS_QUARTER`, ...) as ranges of days.
 *
 * Salesforce computes the ranges in the running user's time zone and locale; the emulator computes
 * them in UTC, with weeks starting on Sunday (the en_US locale) and the fiscal year equal to the
 * calendar year (the default fiscal year settings).
 */

type Unit = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** A range of days: `start` inclusive, `end` exclusive, both `YYYY-MM-DD`. */
export interface DayRange {
  start: string;
  end: string;
}

interface LiteralSpec {
  unit: Unit;
  /** How the range is placed relative to the current unit. */
  kind: 'this' | 'last' | 'next' | 'lastN' | 'nextN' | 'ago' | 'lastNDays' | 'nextNDays';
  /** For the literals without `:n` that still span several units (LAST_90_DAYS). */
  fixedN?: number;
}

const SPECS = new Map<string, LiteralSpec>([
  ['YESTERDAY', { unit: 'day', kind: 'last' }],
  ['TODAY', { unit: 'day', kind: 'this' }],
  ['TOMORROW', { unit: 'day', kind: 'next' }],
  ['LAST_90_DAYS', { unit: 'day', kind: 'lastNDays', fixedN: 90 }],
  ['NEXT_90_DAYS', { unit: 'day', kind: 'nextNDays', fixedN: 90 }],
  ['LAST_N_DAYS', { unit: 'day', kind: 'lastNDays' }],
  ['NEXT_N_DAYS', { unit: 'day', kind: 'nextNDays' }],
  ['N_DAYS_AGO', { unit: 'day', kind: 'ago' }],
]);
for (const [unit, word] of [
  ['week', 'WEEK'],
  ['month', 'MONTH'],
  ['quarter', 'QUARTER'],
  ['year', 'YEAR'],
  ['quarter', 'FISCAL_QUARTER'],
  ['year', 'FISCAL_YEAR'],
] as const) {
  SPECS.set(`THIS_${word}`, { unit, kind: 'this' });
  SPECS.set(`LAST_${word}`, { unit, kind: 'last' });
  SPECS.set(`NEXT_${word}`, { unit, kind: 'next' });
  SPECS.set(`LAST_N_${word}S`, { unit, kind: 'lastN' });
  SPECS.set(`NEXT_N_${word}S`, { unit, kind: 'nextN' });
  SPECS.set(`N_${word}S_AGO`, { unit, kind: 'ago' });
}

/** True for the names of date literals (upper-case). */
export function isDateLiteralName(name: string): boolean {
  return SPECS.has(name);
}

/** True for the literals written with a number: `LAST_N_DAYS:n`, `N_WEEKS_AGO:n`, ... */
export function takesN(name: string): boolean {
  const spec = SPECS.get(name);
  return (
    spec !== undefined &&
    spec.fixedN === undefined &&
    ['lastN', 'nextN', 'ago', 'lastNDays', 'nextNDays'].includes(spec.kind)
  );
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A UTC midnight; unlike `Date.UTC`, years 0 to 99 stay themselves instead of becoming 19xx. */
function utc(year: number, month: number, day: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  return date;
}

function ymd(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** The first day of the unit containing `day` (a UTC midnight), as epoch ms. */
function startOf(unit: Unit, day: Date): Date {
  const y = day.getUTCFullYear();
  const m = day.getUTCMonth();
  switch (unit) {
    case 'day':
      return utc(y, m, day.getUTCDate());
    case 'week':
      return utc(y, m, day.getUTCDate() - day.getUTCDay());
    case 'month':
      return utc(y, m, 1);
    case 'quarter':
      return utc(y, m - (m % 3), 1);
    case 'year':
      return utc(y, 0, 1);
  }
}

/** `date` moved by `n` units (calendar-aware for months, quarters and years). */
function add(unit: Unit, date: Date, n: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const d = date.getUTCDate();
  switch (unit) {
    case 'day':
      return new Date(date.getTime() + n * DAY_MS);
    case 'week':
      return new Date(date.getTime() + 7 * n * DAY_MS);
    case 'month':
      return utc(y, m + n, d);
    case 'quarter':
      return utc(y, m + 3 * n, d);
    case 'year':
      return utc(y + n, m, d);
  }
}

/**
 * The range of days a date literal covers at `now`. `n` is the number after the colon, for the
 * literals that take one. The caller compares date fields with the days and datetime fields with
 * midnight UTC of each end, so that `CreatedDate = TODAY` covers the whole day. Null when the range
 * falls outside years 1 to 9999.
 */
export function dateLiteralRange(name: string, n: number | null, now: Date): DayRange | null {
  const spec = SPECS.get(name);
  if (!spec) throw new Error(`Unknown date literal ${name}`);
  const count = spec.fixedN ?? n ?? 1;
  const current = startOf(spec.unit, now);
  let start: Date;
  let end: Date;
  switch (spec.kind) {
    case 'this':
      start = current;
      end = add(spec.unit, current, 1);
      break;
    case 'last':
      start = add(spec.unit, current, -1);
      end = current;
      break;
    case 'next':
      start = add(spec.unit, current, 1);
      end = add(spec.unit, current, 2);
      break;
    // The N-unit literals other than days leave out the current unit: LAST_N_MONTHS:2 in March is
    // January and February.
    case 'lastN':
      start = add(spec.unit, current, -count);
      end = current;
      break;
    case 'nextN':
      start = add(spec.unit, current, 1);
      end = add(spec.unit, current, count + 1);
      break;
    case 'ago':
      start = add(spec.unit, current, -count);
      end = add(spec.unit, current, -count + 1);
      break;
    // LAST_N_DAYS includes today (LAST_N_DAYS:1 is yesterday and today); NEXT_N_DAYS starts tomorrow.
    case 'lastNDays':
      start = add('day', current, -count);
      end = add('day', current, 1);
      break;
    case 'nextNDays':
      start = add('day', current, 1);
      end = add('day', current, count + 1);
      break;
  }
  // A huge n leaves the calendar (years 1 to 9999): there is no such range.
  const inRange = (d: Date) =>
    !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999;
  if (!inRange(start) || !inRange(end)) return null;
  return { start: ymd(start.getTime()), end: ymd(end.getTime()) };
}
