import { createHash, timingSafeEqual } from 'node:crypto';

/** A named API key: the name is what logs and metrics show, never the key. */
export interface NamedApiKey {
  name: string;
  key: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Returns a checker that gives the name of the key a caller presented, or `undefined` when it is
 * none of them. Only the keys' SHA-256 digests are kept, and a presented key is compared with every
 * one of them in constant time, without stopping at a match: neither a key, its length nor which
 * key matched leaks through timing.
 */
export function createApiKeyChecker(keys: readonly NamedApiKey[]): (presented: string) => string | undefined {
  const digests = keys.map((k) => ({ name: k.name, digest: digest(k.key) }));
  return (presented) => {
    const d = digest(presented);
    let found: string | undefined;
    for (const key of digests) if (timingSafeEqual(d, key.digest) && found === undefined) found = key.name;
    return found;
  };
}
