const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

function suffix(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let j = 0; j < 5; j++) {
      const c = id15.charCodeAt(chunk * 5 + j);
      if (c >= 65 && c <= 90) bits |= 1 << j;
    }
    out += SUFFIX_ALPHABET[bits];
  }
  return out;
}

/**
 * The 18-character form of a Salesforce record Id, or null when the text is not one: 15
 * case-sensitive alphanumerics, optionally followed by the 3-character case-safe checksum, which
 * must then match.
 */
export function toSalesforceId(text: string): string | null {
  if (!/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-5]{3})?$/.test(text)) return null;
  const id15 = text.slice(0, 15);
  const full = id15 + suffix(id15);
  return text.length === 18 && text.slice(15).toUpperCase() !== full.slice(15) ? null : full;
}

/** Whether `text` is a well-formed Id, optionally of one of the given key prefixes (`003` for Contact). */
export function isSalesforceId(text: string, keyPrefixes?: readonly string[]): boolean {
  const id = toSalesforceId(text);
  return id !== null && (!keyPrefixes || keyPrefixes.includes(id.slice(0, 3)));
}
