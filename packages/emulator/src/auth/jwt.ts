import { compactVerify, decodeJwt, decodeProtectedHeader, importSPKI, importX509 } from 'jose';
import type { ConnectedApp } from './apps.ts';
import { OAuthError } from './errors.ts';

/** Salesforce asks for assertions that expire within three minutes. */
export const MAX_ASSERTION_LIFETIME_S = 180;
/** Allowance for a client clock running ahead of the org's (emulator's choice). */
export const CLOCK_LEEWAY_S = 60;

/** The audiences Salesforce's login servers accept, besides the emulator's own origin. */
export const SALESFORCE_AUDIENCES = ['https://login.salesforce.com', 'https://test.salesforce.com'];

export interface AssertionClaims {
  iss: string;
  sub: string;
}

const invalidAssertion = () => new OAuthError('invalid_grant', 'invalid assertion');

/** Reads `iss` and `sub` without trusting them yet: `iss` names the app whose certificate checks the rest. */
export function readAssertion(assertion: string | null): AssertionClaims {
  if (!assertion) throw invalidAssertion();
  try {
    const header = decodeProtectedHeader(assertion);
    const claims = decodeJwt(assertion);
    if (header.alg !== 'RS256' || typeof claims.iss !== 'string' || typeof claims.sub !== 'string') {
      throw invalidAssertion();
    }
    return { iss: claims.iss, sub: claims.sub };
  } catch {
    throw invalidAssertion();
  }
}

const keys = new Map<string, Promise<CryptoKey>>();

function verificationKey(pem: string): Promise<CryptoKey> {
  let key = keys.get(pem);
  if (!key) {
    key = pem.includes('BEGIN CERTIFICATE') ? importX509(pem, 'RS256') : importSPKI(pem, 'RS256');
    keys.set(pem, key);
  }
  return key;
}

const trimSlash = (value: string) => value.replace(/\/+$/, '');

/**
 * Verifies a JWT bearer assertion for the app: the RS256 signature against the app's certificate,
 * then `aud` (a Salesforce login URL or the emulator's own origin), `exp` (in the future, at most
 * three minutes ahead plus leeway) and `nbf` when present. Salesforce's descriptions are terse:
 * `invalid assertion`, `audience is invalid`, `expired authorization code` (its wording for an
 * expired assertion).
 */
export async function verifyAssertion(
  assertion: string,
  app: ConnectedApp,
  options: { origin: string; now: number },
): Promise<AssertionClaims> {
  if (!app.certificate) throw invalidAssertion();
  let payload: Record<string, unknown>;
  try {
    const verified = await compactVerify(assertion, await verificationKey(app.certificate), {
      algorithms: ['RS256'],
    });
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
  } catch {
    throw invalidAssertion();
  }
  const audiences = (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).filter(
    (aud): aud is string => typeof aud === 'string',
  );
  const accepted = [options.origin, ...SALESFORCE_AUDIENCES];
  if (!audiences.some((aud) => accepted.includes(trimSlash(aud)))) {
    throw new OAuthError('invalid_grant', 'audience is invalid');
  }
  const nowS = options.now / 1000;
  if (typeof payload.exp !== 'number') throw invalidAssertion();
  if (payload.exp <= nowS) throw new OAuthError('invalid_grant', 'expired authorization code');
  // Salesforce's limit on a far-off exp is documented but its error is not (unconfirmed wording).
  if (payload.exp > nowS + MAX_ASSERTION_LIFETIME_S + CLOCK_LEEWAY_S) throw invalidAssertion();
  if (typeof payload.nbf === 'number' && payload.nbf > nowS + CLOCK_LEEWAY_S) throw invalidAssertion();
  return { iss: String(payload.iss), sub: String(payload.sub) };
}
