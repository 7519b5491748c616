import { type SoqlFragment, soql } from '@sfgql/soql';
import type { ObjectSpec } from './spec.ts';

const PHONE_LIKE = /^[\d\s()+.\-/]+$/;

export const digitsOf = (text: string) => text.replace(/\D/g, '');

/** A term that is a phone number in any format: only phone characters and at least seven digits. */
export function isPhoneTerm(term: string): boolean {
  return PHONE_LIKE.test(term) && digitsOf(term).length >= 7;
}

/**
 * Whether two phone numbers are the same whatever their formatting; a missing country code on
 * one side still matches (`(555) 234-5678` and `+15552345678`).
 */
export function samePhone(a: string, b: string): boolean {
  const x = digitsOf(a);
  const y = digitsOf(b);
  if (x.length < 7 || y.length < 7) return false;
  return x === y || x.endsWith(y) || y.endsWith(x);
}

export interface TermSearch {
  condition: SoqlFragment;
  /** Checks a record found by a loose phone pattern really matches; null when no check is needed. */
  verify: ((record: Record<string, unknown>) => boolean) | null;
}

/**
 * The WHERE condition for a search term over an object's search fields. A phone-like term searches
 * the phone fields by their digits in order (any formatting between them) and the exact fields;
 * any other term searches the partial-match fields and the exact fields.
 */
export function termSearch(spec: ObjectSpec, term: string): TermSearch | null {
  const fields = Object.values(spec.fields).filter((f) => f.search);
  const exact = fields.filter((f) => f.search === 'exact');
  const parts: SoqlFragment[] = exact.map((f) => soql`${soql.ident(f.apiName)} = ${term}`);
  const phones = fields.filter((f) => f.search === 'phone');
  if (isPhoneTerm(term) && phones.length > 0) {
    // Digits only, so the pattern cannot carry anything but digits and wildcards.
    const pattern = `%${digitsOf(term).split('').join('%')}%`;
    parts.push(...phones.map((f) => soql`${soql.ident(f.apiName)} LIKE ${pattern}`));
    return {
      condition: soql`(${soql.join(parts, ' OR ')})`,
      verify: (record) =>
        exact.some((f) => String(record[f.apiName] ?? '') === term) ||
        phones.some(
          (f) => typeof record[f.apiName] === 'string' && samePhone(record[f.apiName] as string, term),
        ),
    };
  }
  parts.push(
    ...fields
      .filter((f) => f.search === 'like')
      .map((f) => soql`${soql.ident(f.apiName)} LIKE ${soql.like(term)}`),
  );
  if (parts.length === 0) return null;
  return { condition: soql`(${soql.join(parts, ' OR ')})`, verify: null };
}
