import type { Org } from '../org.ts';
import { DEFAULT_LOCALE, type UserLocale } from '../soql/format.ts';
import { statement } from './database.ts';

/** A user's locale and time zone, as FORMAT() and the identity service use them. */
export function userLocale(org: Org, userId: string | null | undefined): UserLocale {
  if (!userId) return DEFAULT_LOCALE;
  const row = statement(org.db, 'SELECT "LocaleSidKey", "TimeZoneSidKey" FROM "User" WHERE "Id" = ?').get(
    userId,
  ) as { LocaleSidKey: string | null; TimeZoneSidKey: string | null } | undefined;
  return {
    locale: row?.LocaleSidKey ?? DEFAULT_LOCALE.locale,
    timeZone: row?.TimeZoneSidKey ?? DEFAULT_LOCALE.timeZone,
  };
}
