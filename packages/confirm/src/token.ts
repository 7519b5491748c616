import { createHash, randomBytes } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import { ConfirmationError } from './errors.ts';
import { MIN_SECRET_BYTES } from './secret.ts';
import type { WriteAction } from './types.ts';

/**
 * The signing keys. Tokens are signed with `current`; `previous` is still accepted so that a key
 * can be rotated without refusing the tokens already handed out.
 *
 * Rotation: set the new secret as `current`, the old one as `previous`, and `rotatedAt` to the
 * moment the new key went live (on the last instance, in a rolling deploy). Tokens signed with the
 * previous key are then accepted until `rotatedAt + ttlMs` (one expiry window: no token the old
 * key signed before the rotation can be alive later) and refused with `CONFIRMATION_INVALID`
 * afterwards, so the old key can be dropped from configuration at leisure. Without `rotatedAt`,
 * `previous` is accepted for as long as it is configured: remove it one expiry window after the
 * rotation.
 */
export interface ConfirmationKeys {
  /** The signing secret: a string (its UTF-8 bytes) or bytes, at least 32 bytes long. */
  current: string | Uint8Array;
  /** The secret used before the last rotation, if any. */
  previous?: string | Uint8Array;
  /** When `current` went live (a Date or epoch milliseconds); bounds how long `previous` is accepted. */
  rotatedAt?: Date | number;
}

/** What a confirmation token binds. Short claim names keep the token short. */
export interface TokenClaims {
  /** Salesforce user id. */
  sub: string;
  /** Salesforce org id. */
  org: string;
  /** Client id. */
  cid: string;
  /** Operation name. */
  op: string;
  act: WriteAction;
  obj: string;
  /** Record id (update and delete). */
  rid?: string;
  /** Canonical hash of the arguments. */
  args: string;
  /** The record's SystemModstamp at preview time (update and delete). */
  msm?: string;
  /** The fields the person saw changed (API names): the policy is checked on them at execution. */
  fld: string[];
  /** Issued at, expires (seconds since the epoch), token id (the single-use nonce). */
  iat: number;
  exp: number;
  jti: string;
}

const ISSUER = 'sfgql-confirm';
/** A token type of its own, so that no other JWT signed with the same secret passes for one. */
const TOKEN_TYPE = 'sfgql-confirm+jwt';
const ACTIONS: readonly string[] = ['create', 'update', 'delete'];

interface Key {
  kid: string;
  bytes: Uint8Array;
}

function toKey(secret: string | Uint8Array, which: string): Key {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new RangeError(`The ${which} confirmation secret must be at least ${MIN_SECRET_BYTES} bytes long.`);
  }
  // The key id names the key without revealing it: a truncated hash of 32+ random bytes.
  const kid = createHash('sha256').update(bytes).digest('base64url').slice(0, 12);
  return { kid, bytes };
}

/** Signs and verifies confirmation tokens (JWS, HS256, with `jose`). */
export interface TokenSigner {
  /** Signs a fresh token (new nonce) that expires `ttlMs` after `nowMs`. */
  sign(
    claims: Omit<TokenClaims, 'iat' | 'exp' | 'jti'>,
    nowMs: number,
  ): Promise<TokenClaims & { token: string }>;
  /** Verifies signature, type, issuer and expiry; throws `CONFIRMATION_INVALID` or `CONFIRMATION_EXPIRED`. */
  verify(token: string, nowMs: number): Promise<TokenClaims>;
}

export function createTokenSigner(keys: ConfirmationKeys, ttlMs: number): TokenSigner {
  const current = toKey(keys.current, 'current');
  const previous = keys.previous === undefined ? undefined : toKey(keys.previous, 'previous');
  const rotatedAt = keys.rotatedAt === undefined ? undefined : Number(keys.rotatedAt);
  if (previous && previous.kid === current.kid) {
    throw new RangeError('The previous confirmation secret is the same as the current one.');
  }

  function keyFor(kid: unknown, nowMs: number): Key | undefined {
    if (kid === current.kid) return current;
    if (previous && kid === previous.kid) {
      if (rotatedAt !== undefined && nowMs >= rotatedAt + ttlMs) return undefined;
      return previous;
    }
    return undefined;
  }

  const invalid = (message: string, cause?: unknown) =>
    new ConfirmationError('CONFIRMATION_INVALID', message, { cause });

  return {
    async sign(claims, nowMs) {
      const iat = Math.floor(nowMs / 1000);
      // JWT times are whole seconds; rounding down means a token never outlives its ttl.
      const exp = Math.floor((nowMs + ttlMs) / 1000);
      const jti = randomBytes(16).toString('base64url');
      const payload = { ...claims, iss: ISSUER, iat, exp, jti };
      const token = await new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', typ: TOKEN_TYPE, kid: current.kid })
        .sign(current.bytes);
      return { ...claims, iat, exp, jti, token };
    },

    async verify(token, nowMs) {
      let kid: unknown;
      try {
        kid = decodeProtectedHeader(token).kid;
      } catch (error) {
        throw invalid('The confirmation token is not a token this server issued.', error);
      }
      const key = keyFor(kid, nowMs);
      if (!key) throw invalid('The confirmation token was not signed with a key this server accepts.');
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, key.bytes, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          typ: TOKEN_TYPE,
          currentDate: new Date(nowMs),
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        }));
      } catch (error) {
        // jose checks the signature before the claims, so "expired" is only ever said of a
        // token this server really issued.
        if (error instanceof errors.JWTExpired) {
          throw new ConfirmationError(
            'CONFIRMATION_EXPIRED',
            'The confirmation token has expired; ask for a new confirmation.',
            { cause: error },
          );
        }
        throw invalid('The confirmation token is not a token this server issued.', error);
      }
      const strings = ['sub', 'org', 'cid', 'op', 'act', 'obj', 'args', 'jti'] as const;
      const optional = ['rid', 'msm'] as const;
      const fields = payload.fld;
      if (
        strings.some((name) => typeof payload[name] !== 'string') ||
        !Array.isArray(fields) ||
        fields.some((field) => typeof field !== 'string') ||
        optional.some((name) => payload[name] !== undefined && typeof payload[name] !== 'string') ||
        !ACTIONS.includes(payload.act as string)
      ) {
        throw invalid('The confirmation token is not a token this server issued.');
      }
      return payload as unknown as TokenClaims;
    },
  };
}
