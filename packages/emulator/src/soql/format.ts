/**
 * SOQL's `FORMAT()`: number, currency, date, datetime and time values as the user's locale shows
 * them (`$44,000.00`, `4/10/2025, 3:31 PM`), in the user's time zone. The org has one currency,
 * US dollars. Other types are returned as they are.
 */
import type { FieldMeta } from '../metadata/types.ts';
import type { JsonValue } from '../store/values.ts';

/** Whose conventions FORMAT follows: the running user's locale and time zone. */
export interface UserLocale {
  /** Salesforce's locale key, `en_US`. */
  locale: string;
  /** An IANA time zone, `America/Los_Angeles`. */
  timeZone: string;
}

export const DEFAULT_LOCALE: UserLocale = { locale: 'en_US', timeZone: 'America/Los_Angeles' };

/** The org's currency (the emulator's orgs are single-currency). */
const ORG_CURRENCY = 'USD';

const tag = (locale: string) => locale.replace('_', '-');

/** ICU puts a narrow no-break space before AM/PM; Salesforce's formats use a plain space. */
const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');

/** A formatter for a field's values in a locale: the text FORMAT() answers. */
export function localizer(field: FieldMeta, user: UserLocale): (value: JsonValue) => JsonValue {
  const locale = tag(user.locale);
  switch (field.type) {
    case 'currency': {
      const format = new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: ORG_CURRENCY,
        minimumFractionDigits: field.scale,
        maximumFractionDigits: field.scale,
      });
      return (value) => (typeof value === 'number' ? plain(format.format(value)) : value);
    }
    case 'int':
    case 'double':
    case 'percent': {
      const digits = field.type === 'int' ? 0 : field.scale;
      const format = new Intl.NumberFormat(locale, {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
      const suffix = field.type === 'percent' ? '%' : '';
      return (value) => (typeof value === 'number' ? `${plain(format.format(value))}${suffix}` : value);
    }
    case 'date': {
      // A date has no time zone: it is shown as stored.
      const format = new Intl.DateTimeFormat(locale, {
        timeZone: 'UTC',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
      });
      return (value) =>
        typeof value === 'string' ? plain(format.format(new Date(`${value}T00:00:00Z`))) : value;
    }
    case 'datetime': {
      const format = new Intl.DateTimeFormat(locale, {
        timeZone: user.timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
      });
      return (value) =>
        typeof value === 'string' ? plain(format.format(new Date(value.replace(/\+0000$/, 'Z')))) : value;
    }
    case 'time': {
      const format = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', hour: 'numeric', minute: '2-digit' });
      return (value) =>
        typeof value === 'string'
          ? plain(format.format(new Date(`1970-01-01T${value.replace(/Z$/, '')}Z`)))
          : value;
    }
    default:
      return (value) => value;
  }
}
