import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import {
  ALICE,
  BOB,
  CASE_ID,
  createTask,
  deleteCase,
  fakeClock,
  MODSTAMP,
  OTHER_SECRET,
  outcome,
  SECRET,
  updateCase,
} from '../test/fixtures.ts';
import type { AuditEntry, AuditTrail } from './audit.ts';
import { createConfirmation, DEFAULT_TTL_MS, type ExecuteResult, type WriteContext } from './confirmation.ts';
import { ConfirmationError, StoreUnavailableError, WriteForbiddenError } from './errors.ts';
import type { WriteRequest } from './types.ts';

function setup(options: Partial<Parameters<typeof createConfirmation>[0]> = {}) {
  const clock = fakeClock();
  const entries: AuditEntry[] = [];
  const audit: AuditTrail = {
    async record(entry) {
      entries.push(entry);
    },
    async close() {},
  };
  const confirmation = createConfirmation({ keys: { current: SECRET }, now: clock.now, audit, ...options });
  const write = vi.fn(async (_ctx: WriteContext) => ({ id: CASE_ID, success: true }));
  return { clock, entries, confirmation, write };
}

/** The result of a write that ran. */
async function done<T>(promise: Promise<ExecuteResult<T>>): Promise<T> {
  const answer = await promise;
  if (answer.kind !== 'done') throw new Error(`expected a write, got ${answer.kind}`);
  return answer.result;
}

/** What the operations layer sends once the person agreed: no re-read, so no changes or stamp. */
const confirmed = (request: WriteRequest): WriteRequest => ({
  ...request,
  changes: [],
  systemModstamp: undefined,
});

/** Salesforce's refusal of a write whose If-Unmodified-Since no longer holds. */
const preconditionFailed = () => Object.assign(new Error('Precondition Failed'), { status: 412 });
const classify = (error: unknown) => ((error as { status?: number }).status === 412 ? 'stale' : 'refused');

async function refusal(promise: Promise<unknown>): Promise<ConfirmationError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfirmationError);
  return error as ConfirmationError;
}

describe('preview', () => {
  it('returns the token, expiry, a readable summary, the changes and whether it destroys data', async () => {
    const { confirmation, clock } = setup();
    const preview = await confirmation.preview(updateCase());
    expect(preview).toEqual({
      token: expect.any(String),
      expiresAt: new Date(clock.now() + DEFAULT_TTL_MS).toISOString(),
      summary: 'Update case 00001104: Status from New to Escalated.',
      action: 'update',
      object: 'Case',
      recordId: CASE_ID,
      changes: [{ field: 'Status', before: 'New', after: 'Escalated' }],
      destructive: false,
    });
  });

  it('binds the principal, operation, record, arguments and SystemModstamp into a signed JWS', async () => {
    const { confirmation } = setup();
    const { token } = await confirmation.preview(updateCase());
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'sfgql-confirm+jwt' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      sub: ALICE.userId,
      org: ALICE.orgId,
      cid: ALICE.clientId,
      op: 'updateCase',
      act: 'update',
      obj: 'Case',
      rid: CASE_ID,
      msm: MODSTAMP,
      args: expect.stringMatching(/^[\w-]{43}$/),
      fld: ['Status'],
      jti: expect.stringMatching(/^[\w-]{22}$/),
    });
    expect(claims.exp).toBe((claims.iat ?? 0) + DEFAULT_TTL_MS / 1000);
  });

  it('gives every preview its own nonce', async () => {
    const { confirmation } = setup();
    const a = decodeJwt((await confirmation.preview(updateCase())).token);
    const b = decodeJwt((await confirmation.preview(updateCase())).token);
    expect(a.jti).not.toBe(b.jti);
  });

  it('marks deletes destructive and creates as having no record', async () => {
    const { confirmation } = setup();
    expect(await confirmation.preview(deleteCase())).toMatchObject({
      summary: 'Delete case 00001104.',
      destructive: true,
    });
    expect(await confirmation.preview(createTask())).toMatchObject({
      summary: 'Create a task: Subject "Call back", WhatId 500000000000001AAA.',
      recordId: null,
      destructive: false,
    });
  });

  it('refuses an update or delete without the record id or SystemModstamp (a programming error)', async () => {
    const { confirmation } = setup();
    await expect(confirmation.preview(updateCase({ systemModstamp: undefined }))).rejects.toThrow(TypeError);
    await expect(confirmation.preview(deleteCase({ recordId: undefined }))).rejects.toThrow(TypeError);
  });

  it('refuses short secrets and a ttl under a second', () => {
    expect(() => createConfirmation({ keys: { current: 'short' } })).toThrow(/at least 32 bytes/);
    expect(() => createConfirmation({ keys: { current: SECRET }, ttlMs: 10 })).toThrow(RangeError);
  });
});

describe('execute', () => {
  it('without a token does nothing and answers the confirmation request to show', async () => {
    const { confirmation, write, entries } = setup();
    const answer = await confirmation.execute(updateCase(), undefined, write);
    expect(answer).toMatchObject({
      kind: 'preview',
      confirmation: { summary: 'Update case 00001104: Status from New to Escalated.' },
    });
    expect(write).not.toHaveBeenCalled();
    expect(entries).toEqual([]);
  });

  it('with the token performs the write once, without a re-read, and records it', async () => {
    const { confirmation, write, entries, clock } = setup();
    const { token } = await confirmation.preview(updateCase());
    const request = confirmed(updateCase({ recordId: undefined }));
    await expect(confirmation.execute(request, token, write)).resolves.toEqual({
      kind: 'done',
      result: { id: CASE_ID, success: true },
      replayed: false,
    });
    expect(write).toHaveBeenCalledTimes(1);
    // The write is told which version the person saw, to send as If-Unmodified-Since.
    expect(write.mock.calls[0]?.[0]).toMatchObject({
      tokenId: decodeJwt(token).jti,
      recordId: CASE_ID,
      ifUnmodifiedSince: MODSTAMP,
    });
    expect(entries).toEqual([
      {
        time: new Date(clock.now()).toISOString(),
        principal: { userId: ALICE.userId, orgId: ALICE.orgId },
        client: 'gateway',
        operation: 'updateCase',
        action: 'update',
        object: 'Case',
        recordId: CASE_ID,
        changes: [],
        outcome: { status: 'written' },
        tokenId: decodeJwt(token).jti,
      },
    ]);
  });

  it('records the changes the write observed, before and after', async () => {
    const { confirmation, entries } = setup();
    const { token } = await confirmation.preview(updateCase());
    await confirmation.execute(confirmed(updateCase()), token, async (ctx) => {
      ctx.observe([{ field: 'Status', before: 'New', after: 'Escalated', extra: 'dropped' } as never]);
      return { id: CASE_ID };
    });
    expect(entries[0]?.changes).toEqual([{ field: 'Status', before: 'New', after: 'Escalated' }]);
  });

  it('accepts the same arguments in another key order or Unicode form', async () => {
    const { confirmation, write } = setup();
    const args = { id: CASE_ID, fields: { status: 'Escalated', subject: 'Caf\u00e9' } };
    const { token } = await confirmation.preview(updateCase({ args }));
    const reordered = { fields: { subject: 'Cafe\u0301', status: 'Escalated' }, id: CASE_ID };
    await confirmation.execute(updateCase({ args: reordered }), token, write);
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('records the id of a created record', async () => {
    const { confirmation, entries } = setup();
    const { token } = await confirmation.preview(createTask());
    await confirmation.execute(createTask(), token, async () => ({ id: '00T000000000001AAA' }));
    expect(entries[0]).toMatchObject({
      action: 'create',
      recordId: '00T000000000001AAA',
      outcome: { status: 'written' },
    });
  });

  it.each([
    ['garbled', 'not-a-token'],
    ['empty segments', '..'],
    ['a JWT-shaped string of junk', 'eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl'],
  ])('refuses a %s token with CONFIRMATION_INVALID', async (_, token) => {
    const { confirmation, write } = setup();
    expect((await refusal(confirmation.execute(updateCase(), token, write))).code).toBe(
      'CONFIRMATION_INVALID',
    );
    expect(write).not.toHaveBeenCalled();
  });

  it('refuses a token with a flipped bit with CONFIRMATION_INVALID', async () => {
    const { confirmation, write } = setup();
    const { token } = await confirmation.preview(updateCase());
    const [header, payload, signature = ''] = token.split('.');
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const error = await refusal(confirmation.execute(updateCase(), `${header}.${payload}.${flipped}`, write));
    expect(error.code).toBe('CONFIRMATION_INVALID');
    expect(write).not.toHaveBeenCalled();
  });

  it('refuses a token signed with another key, even one naming our key id', async () => {
    const { confirmation, write } = setup();
    const { token } = await confirmation.preview(updateCase());
    const header = decodeProtectedHeader(token);
    const forged = await new SignJWT(decodeJwt(token))
      .setProtectedHeader(header as { alg: string })
      .sign(new TextEncoder().encode(OTHER_SECRET));
    expect((await refusal(confirmation.execute(updateCase(), forged, write))).code).toBe(
      'CONFIRMATION_INVALID',
    );
    const other = createConfirmation({ keys: { current: OTHER_SECRET }, now: fakeClock().now });
    const foreign = (await other.preview(updateCase())).token;
    expect((await refusal(confirmation.execute(updateCase(), foreign, write))).code).toBe(
      'CONFIRMATION_INVALID',
    );
    expect(write).not.toHaveBeenCalled();
  });

  it('refuses an unsigned token (alg none)', async () => {
    const { confirmation, write } = setup();
    const { token } = await confirmation.preview(updateCase());
    const header = { ...decodeProtectedHeader(token), alg: 'none' };
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode(header)}.${encode(decodeJwt(token))}.`;
    expect((await refusal(confirmation.execute(updateCase(), unsigned, write))).code).toBe(
      'CONFIRMATION_INVALID',
    );
    expect(write).not.toHaveBeenCalled();
  });

  it('refuses another JWT signed with the same secret (wrong type or issuer)', async () => {
    const { confirmation, write } = setup();
    const { token } = await confirmation.preview(updateCase());
    const key = new TextEncoder().encode(SECRET);
    const { kid } = decodeProtectedHeader(token);
    const session = await new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: 'HS256', kid }).sign(key);
    expect((await refusal(confirmation.execute(updateCase(), session, write))).code).toBe(
      'CONFIRMATION_INVALID',
    );
    expect(write).not.toHaveBeenCalled();
  });

  it('refuses an expired token with CONFIRMATION_EXPIRED, and accepts it until then', async () => {
    const { confirmation, write, clock } = setup({ ttlMs: 60_000 });
    const late = await confirmation.preview(updateCase());
    const onTime = await confirmation.preview(updateCase());
    clock.advance(59_999);
    await confirmation.execute(updateCase(), onTime.token, write);
    clock.advance(1);
    expect((await refusal(confirmation.execute(updateCase(), late.token, write))).code).toBe(
      'CONFIRMATION_EXPIRED',
    );
    expect(write).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['principal', { principal: BOB }],
    ['principal', { principal: { ...ALICE, clientId: 'gpt-actions' } }],
    ['principal', { principal: { ...ALICE, orgId: '00D000000000002AAA' } }],
    ['operation', { operation: 'escalateCase' }],
    ['object', { object: 'Contact' }],
    ['record', { recordId: '500000000000002AAA' }],
    ['arguments', { args: { id: CASE_ID, fields: { status: 'Closed' } } }],
    ['arguments', { args: { id: CASE_ID, fields: { status: 'Escalated', priority: null } } }],
  ])('refuses a token used with another %s: CONFIRMATION_MISMATCH', async (part, overrides) => {
    const { confirmation, write } = setup();
    const { token } = await confirmation.preview(updateCase());
    const error = await refusal(confirmation.execute(updateCase(overrides), token, write));
    expect(error.code).toBe('CONFIRMATION_MISMATCH');
    expect(error.mismatch).toEqual([part]);
    expect(write).not.toHaveBeenCalled();
    // A mismatch does not spend the token: its rightful owner can still use it.
    await confirmation.execute(updateCase(), token, write);
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('refuses an update token presented for a delete of the same record', async () => {
    const { confirmation, write } = setup();
    const { token } = await confirmation.preview(updateCase());
    const error = await refusal(
      confirmation.execute(deleteCase({ operation: 'updateCase', args: updateCase().args }), token, write),
    );
    expect(error).toMatchObject({ code: 'CONFIRMATION_MISMATCH', mismatch: ['action'] });
  });

  it('refuses a replay with CONFIRMATION_USED', async () => {
    const { confirmation, write, entries } = setup();
    const { token } = await confirmation.preview(updateCase());
    await confirmation.execute(updateCase(), token, write);
    expect((await refusal(confirmation.execute(updateCase(), token, write))).code).toBe('CONFIRMATION_USED');
    expect(write).toHaveBeenCalledTimes(1);
    expect(entries).toHaveLength(1);
  });

  it('runs the write once for concurrent submissions of one token', async () => {
    const { confirmation, write } = setup();
    const { token } = await confirmation.preview(updateCase());
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => outcome(confirmation.execute(updateCase(), token, write))),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'CONFIRMATION_USED')).toHaveLength(19);
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('answers a write Salesforce refused as stale with CONFIRMATION_STALE and a fresh preview', async () => {
    const { confirmation, entries } = setup();
    const { token } = await confirmation.preview(updateCase());
    const now = updateCase({
      systemModstamp: '2026-03-01T09:30:00.000Z',
      changes: [{ field: 'Status', before: 'Working', after: 'Escalated' }],
    });
    const current = vi.fn(async () => now);
    const error = await refusal(
      confirmation.execute(
        confirmed(updateCase()),
        token,
        async () => {
          throw preconditionFailed();
        },
        { classify, current },
      ),
    );
    expect(error.code).toBe('CONFIRMATION_STALE');
    expect(error.cause).toMatchObject({ status: 412 });
    expect(error.confirmation?.summary).toBe('Update case 00001104: Status from Working to Escalated.');
    expect(entries).toMatchObject([{ outcome: { status: 'refused', errorCode: 'CONFIRMATION_STALE' } }]);
    // The fresh token carries the new version: its write is sent with the new stamp.
    const write = vi.fn(async (_ctx: WriteContext) => ({ id: CASE_ID }));
    await confirmation.execute(confirmed(updateCase()), error.confirmation?.token, write);
    expect(write.mock.calls[0]?.[0]).toMatchObject({ ifUnmodifiedSince: '2026-03-01T09:30:00.000Z' });
    // The stale token itself stays spent.
    expect(await outcome(confirmation.execute(confirmed(updateCase()), token, write))).toBe(
      'CONFIRMATION_USED',
    );
  });

  it('checks the fields the person saw against the policy of the moment of execution', async () => {
    const { write } = setup();
    const clock = fakeClock();
    const open = createConfirmation({ keys: { current: SECRET }, now: clock.now });
    const { token } = await open.preview(updateCase());
    const narrowed = createConfirmation({
      keys: { current: SECRET },
      now: clock.now,
      policy: { default: { objects: { Case: { fields: ['Subject'] } } } },
    });
    const error = await narrowed.execute(confirmed(updateCase()), token, write).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WRITE_FORBIDDEN', reason: 'FIELD', fields: ['Status'] });
    expect(write).not.toHaveBeenCalled();
  });

  it('spends the token when the write fails, and records the failure with its error code', async () => {
    const { confirmation, entries } = setup();
    const { token } = await confirmation.preview(updateCase());
    const failure = Object.assign(new Error('bad value'), {
      code: 'SF_INVALID_DATA',
      errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
    });
    await expect(
      confirmation.execute(updateCase(), token, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(entries).toMatchObject([
      { outcome: { status: 'refused', errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' } },
    ]);
    expect(await outcome(confirmation.execute(updateCase(), token, async () => ({})))).toBe(
      'CONFIRMATION_USED',
    );
  });

  it('records a write that got no answer as of unknown outcome', async () => {
    const { confirmation, entries } = setup();
    const { token } = await confirmation.preview(updateCase());
    const dropped = Object.assign(new Error('socket hang up'), { code: 'SF_REQUEST_FAILED' });
    await expect(
      confirmation.execute(
        updateCase(),
        token,
        async () => {
          throw dropped;
        },
        { classify: () => 'unknown' },
      ),
    ).rejects.toBe(dropped);
    expect(entries).toMatchObject([{ outcome: { status: 'unknown', errorCode: 'SF_REQUEST_FAILED' } }]);
  });

  it('does not run the write when the nonce store refuses: SERVICE_UNAVAILABLE', async () => {
    const { write } = setup();
    const confirmation = createConfirmation({
      keys: { current: SECRET },
      store: { claim: () => Promise.reject(new Error('ECONNREFUSED')) },
    });
    const { token } = await confirmation.preview(updateCase());
    const error = await confirmation.execute(updateCase(), token, write).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(write).not.toHaveBeenCalled();
  });

  it('gives up on a store that does not answer at its deadline, and writes nothing', async () => {
    const { write } = setup();
    const frozen = { claim: () => new Promise<boolean>(() => {}) };
    const confirmation = createConfirmation({
      keys: { current: SECRET },
      store: frozen,
      storeDeadlineMs: 50,
    });
    const { token } = await confirmation.preview(updateCase());
    const started = performance.now();
    const error = await confirmation.execute(updateCase(), token, write).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/did not answer within 50 ms/);
    // Bounded by the deadline, not by the store (a generous bound: this is no timing test).
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(write).not.toHaveBeenCalled();
  });
});

describe('key rotation', () => {
  it('accepts tokens signed with the previous key for one expiry window after rotatedAt', async () => {
    const clock = fakeClock();
    const before = createConfirmation({ keys: { current: OTHER_SECRET }, now: clock.now });
    const first = await before.preview(updateCase());
    const second = await before.preview(updateCase());
    const after = createConfirmation({
      keys: { current: SECRET, previous: OTHER_SECRET, rotatedAt: clock.now() },
      now: clock.now,
    });
    const write = vi.fn(async () => ({}));
    await done(after.execute(updateCase(), first.token, write));
    expect(write).toHaveBeenCalledTimes(1);
    // New tokens are signed with the current key.
    const fresh = await after.preview(updateCase());
    expect(decodeProtectedHeader(fresh.token).kid).not.toBe(decodeProtectedHeader(first.token).kid);
    clock.advance(DEFAULT_TTL_MS);
    expect(await outcome(after.execute(updateCase(), second.token, write))).toBe('CONFIRMATION_INVALID');
  });

  it('accepts the previous key while configured when no rotatedAt is given, and never once dropped', async () => {
    const clock = fakeClock();
    const old = await createConfirmation({ keys: { current: OTHER_SECRET }, now: clock.now }).preview(
      updateCase(),
    );
    const write = vi.fn(async () => ({}));
    const dropped = createConfirmation({ keys: { current: SECRET }, now: clock.now });
    expect(await outcome(dropped.execute(updateCase(), old.token, write))).toBe('CONFIRMATION_INVALID');
    const kept = createConfirmation({ keys: { current: SECRET, previous: OTHER_SECRET }, now: clock.now });
    expect(await outcome(kept.execute(updateCase(), old.token, write))).toBe('ok');
  });

  it('refuses a previous key equal to the current one', () => {
    expect(() => createConfirmation({ keys: { current: SECRET, previous: SECRET } })).toThrow(RangeError);
  });
});

describe('policy', () => {
  it('refuses every write of a read-only client with WRITE_FORBIDDEN, before any token is looked at', async () => {
    const { confirmation, write } = setup({
      policy: { default: {}, clients: { gateway: { readOnly: true } } },
    });
    await expect(confirmation.preview(updateCase())).rejects.toBeInstanceOf(WriteForbiddenError);
    const error = await confirmation
      .execute(confirmed(updateCase()), 'anything', write)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WRITE_FORBIDDEN', reason: 'READ_ONLY' });
    expect(write).not.toHaveBeenCalled();
    // Other clients keep the default.
    await expect(
      confirmation.preview(updateCase({ principal: { ...ALICE, clientId: 'cli' } })),
    ).resolves.toBeTruthy();
  });

  it('runs an exempted write without a token (recorded with tokenId null), but never a delete', async () => {
    const { confirmation, write, entries } = setup({
      policy: { default: { skipConfirmation: ['createTask', 'deleteCase'] } },
    });
    await confirmation.execute(createTask(), undefined, write);
    expect(write).toHaveBeenCalledTimes(1);
    expect(entries).toMatchObject([{ operation: 'createTask', tokenId: null }]);
    expect((await confirmation.execute(deleteCase(), undefined, write)).kind).toBe('preview');
    const destructive = createTask({ destructive: true });
    expect((await confirmation.execute(destructive, undefined, write)).kind).toBe('preview');
    expect(write).toHaveBeenCalledTimes(1);
  });
});
