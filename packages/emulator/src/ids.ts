const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * The three-character suffix that makes a 15-character Id case-safe: for each five-character chunk,
 * bit j is set where character j is an upper-case letter.
 */
export function caseSafeSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let j = 0; j < 5; j++) {
      const ch = id15.charCodeAt(chunk * 5 + j);
      if (ch >= 65 && ch <= 90) bits |= 1 << j;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?$/;

/**
 * Normalises a 15- or 18-character Id to its 18-character form, or returns null when it is not a
 * well-formed Id (wrong length, wrong characters, or an 18-character Id whose suffix does not match).
 */
export function normalizeId(id: string): string | null {
  if (!ID_PATTERN.test(id)) return null;
  const id15 = id.slice(0, 15);
  const full = id15 + caseSafeSuffix(id15);
  if (id.length === 18 && id.toUpperCase() !== full.toUpperCase()) return null;
  return full;
}

/** Builds an 18-character Id from a key prefix and a sequence number (the instance part is fixed). */
export function makeId(keyPrefix: string, sequence: number): string {
  let n = sequence;
  let body = '';
  for (let i = 0; i < 9; i++) {
    body = BASE62[n % 62] + body;
    n = Math.floor(n / 62);
  }
  // `5g0` stands where Salesforce puts the pod and a reserved character.
  const id15 = `${keyPrefix}5g0${body}`;
  return id15 + caseSafeSuffix(id15);
}
