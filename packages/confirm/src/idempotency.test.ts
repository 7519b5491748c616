import { describe, expect, it, vi } from 'vitest';
import { ALICE, BOB, createTask, fakeClock, outcome, SECRET, updateCase } from '../test/fixtures.ts';
import { createConfirmation, DEFAULT_IDEMPOTENCY_TTL_MS, type ExecuteResult } from './confirmation.ts';
import {
  createMemoryIdempotencyStore,
  type IdempotencyEntry,
  type IdempotencyStore,
  isValidIdempotencyKey,
} from './idempotency.ts';

const TASK_ID = '00T000000000001AAA';

function setup(options: { idempotency?: IdempotencyStore; storeDeadlineMs?: number } = {}) {
  const clock = fakeClock();
  const confirmation = createConfirmation({ keys: { current: SECRET }, now: clock.now, ...options });
  let created = 0;
  const write = vi.fn(async () => ({ id: `${TASK_ID.slice(0, -4)}${++created}AAA`, success: true }));
  return { clock, confirmation, write };
}

/** The result of a write that ran or was replayed. */
async function result(answer: Promise<ExecuteResult<unknown>>): Promise<unknown> {
  const settled = await answer;
  if (settled.kind !== 'done') throw new Error('expected a result, got a preview');
  return settled.result;
}

/** A create confirmed with a fresh token, under `key`: its result. */
async function confirmedCreate(
  confirmation: ReturnType<typeof createConfirmation>,
  write: () => Promise<unknown>,
  key: string | undefined,
  request = createTask(),
) {
  const { token } = await confirmation.preview(request);
  return result(confirmation.execute(request, token, write, { idempotencyKey: key }));
}

const pending = (fingerprint: string, leaseUntil = Number.MAX_SAFE_INTEGER): IdempotencyEntry => ({
  state: 'pending',
  fingerprint,
  tokenId: 't',
  leaseUntil,
});

describe('createMemoryIdempotencyStore', () => {
  it('reserves a key once, replaces and frees it, and forgets it after its time', async () => {
    const clock = fakeClock();
    const store = createMemoryIdempotencyStore({ now: clock.now, sweepEveryMs: 1000 });
    expect(await store.reserve('k', pending('f'), 1000)).toBeNull();
    expect(await store.reserve('k', pending('g'), 1000)).toEqual(pending('f'));
    const done: IdempotencyEntry = { state: 'done', fingerprint: 'f', result: { id: 'a' } };
    await store.put('k', done, 5000);
    expect(await store.get('k')).toEqual(done);
    expect(await store.reserve('k', pending('g'), 1000)).toEqual(done);
    await store.release('k');
    expect(await store.get('k')).toBeUndefined();
    expect(await store.reserve('k', pending('g'), 1000)).toBeNull();
    clock.advance(1001);
    expect(await store.reserve('k', pending('h'), 1000)).toBeNull();
    clock.advance(2000);
    await store.reserve('other', pending('f'), 1000);
    expect(store.size()).toBe(1);
  });

  it('answers null to exactly one of many concurrent reservations', async () => {
    const store = createMemoryIdempotencyStore();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => store.reserve('k', pending('f'), 1000)),
    );
    expect(answers.filter((a) => a === null)).toHaveLength(1);
  });
});

describe('isValidIdempotencyKey', () => {
  it('takes 1 to 255 printable ASCII characters', () => {
    expect(isValidIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe(true);
    expect(isValidIdempotencyKey('x'.repeat(255))).toBe(true);
    for (const bad of ['', 'x'.repeat(256), 'with space', 'é', 'a\nb', '\u0000'])
      expect(isValidIdempotencyKey(bad)).toBe(false);
  });
});

describe('execute with an idempotency key', () => {
  it('returns the first result to a retried create, with the used token or a fresh one, and writes once', async () => {
    const { confirmation, write } = setup();
    const request = createTask();
    const { token } = await confirmation.preview(request);
    const first = await confirmation.execute(request, token, write, { idempotencyKey: 'key-1' });
    expect(first).toMatchObject({ kind: 'done', replayed: false });
    // The client did not hear the answer and sends the very same call again.
    expect(await confirmation.execute(request, token, write, { idempotencyKey: 'key-1' })).toEqual({
      ...first,
      replayed: true,
    });
    // Or it asked for a new confirmation first.
    expect(await confirmedCreate(confirmation, write, 'key-1')).toEqual(
      first.kind === 'done' && first.result,
    );
    // Or it repeats the first call, without a token.
    expect(
      await result(confirmation.execute(request, undefined, write, { idempotencyKey: 'key-1' })),
    ).toEqual(first.kind === 'done' && first.result);
    expect(write).toHaveBeenCalledTimes(1);
    // Without the key, the used token is refused as before.
    expect(await outcome(confirmation.execute(request, token, write))).toBe('CONFIRMATION_USED');
  });

  it('writes again for a new key, and always without one', async () => {
    const { confirmation, write } = setup();
    const a = await confirmedCreate(confirmation, write, 'a');
    const b = await confirmedCreate(confirmation, write, 'b');
    const c = await confirmedCreate(confirmation, write, undefined);
    expect(new Set([a, b, c].map((r) => (r as { id: string }).id)).size).toBe(3);
    expect(write).toHaveBeenCalledTimes(3);
  });

  it('refuses a key reused with other arguments or for another write, with or without a token', async () => {
    const { confirmation, write } = setup();
    await confirmedCreate(confirmation, write, 'k');
    const other = createTask({ args: { subject: 'Something else' } });
    expect(await outcome(confirmedCreate(confirmation, write, 'k', other))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await outcome(confirmation.execute(other, undefined, write, { idempotencyKey: 'k' }))).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    const update = updateCase();
    const { token } = await confirmation.preview(update);
    expect(await outcome(confirmation.execute(update, token, write, { idempotencyKey: 'k' }))).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(write).toHaveBeenCalledTimes(1);
    // The refusal spent nothing: the update's token still works under a key of its own.
    expect(await outcome(confirmation.execute(update, token, write, { idempotencyKey: 'k2' }))).toBe('ok');
  });

  it('keeps keys per caller: the same key from another user is another write', async () => {
    const { confirmation, write } = setup();
    const mine = await confirmedCreate(confirmation, write, 'k');
    const theirs = await confirmedCreate(confirmation, write, 'k', createTask({ principal: BOB }));
    expect(theirs).not.toEqual(mine);
    const otherClient = createTask({ principal: { ...ALICE, clientId: 'gpt-actions' } });
    expect(await confirmedCreate(confirmation, write, 'k', otherClient)).not.toEqual(mine);
    expect(write).toHaveBeenCalledTimes(3);
  });

  it('refuses a repeat while the first call still runs, then replays its result', async () => {
    const { confirmation } = setup();
    let finish: (value: { id: string; success: boolean }) => void = () => {};
    const slow = vi.fn(() => new Promise<{ id: string; success: boolean }>((r) => (finish = r)));
    const request = createTask();
    const { token } = await confirmation.preview(request);
    const first = result(confirmation.execute(request, token, slow, { idempotencyKey: 'k' }));
    await vi.waitFor(() => expect(slow).toHaveBeenCalled());
    // The same token again: it is the one running.
    expect(await outcome(confirmation.execute(request, token, slow, { idempotencyKey: 'k' }))).toBe(
      'CONFIRMATION_USED',
    );
    // A fresh token for the same write: the key is busy.
    const { token: fresh } = await confirmation.preview(request);
    expect(await outcome(confirmation.execute(request, fresh, slow, { idempotencyKey: 'k' }))).toBe(
      'IDEMPOTENCY_KEY_IN_USE',
    );
    expect(await outcome(confirmation.execute(request, undefined, slow, { idempotencyKey: 'k' }))).toBe(
      'IDEMPOTENCY_KEY_IN_USE',
    );
    finish({ id: TASK_ID, success: true });
    expect(await first).toEqual({ id: TASK_ID, success: true });
    expect(await result(confirmation.execute(request, fresh, slow, { idempotencyKey: 'k' }))).toEqual({
      id: TASK_ID,
      success: true,
    });
    expect(slow).toHaveBeenCalledTimes(1);
  });

  it('runs a burst of concurrent retries once', async () => {
    const { confirmation, write } = setup();
    const request = createTask();
    const { token } = await confirmation.preview(request);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        outcome(confirmation.execute(request, token, write, { idempotencyKey: 'k' })),
      ),
    );
    // One runs the write; the others meet it running (the token is in use) or replay its result.
    expect(write).toHaveBeenCalledTimes(1);
    expect(outcomes.filter((o) => o !== 'ok' && o !== 'CONFIRMATION_USED')).toEqual([]);
    expect(await confirmedCreate(confirmation, write, 'k')).toEqual(await write.mock.results[0]?.value);
  });

  it('frees the key when nothing was written: a preview, a refusal, a refused write', async () => {
    const { confirmation, write } = setup();
    const request = createTask();
    expect((await confirmation.execute(request, undefined, write, { idempotencyKey: 'k' })).kind).toBe(
      'preview',
    );
    expect(await outcome(confirmation.execute(request, 'forged', write, { idempotencyKey: 'k' }))).toBe(
      'CONFIRMATION_INVALID',
    );
    const failing = vi.fn(async () => {
      throw Object.assign(new Error('bad value'), { code: 'SF_INVALID_DATA' });
    });
    expect(await outcome(confirmedCreate(confirmation, failing, 'k'))).toBe('SF_INVALID_DATA');
    expect(await confirmedCreate(confirmation, write, 'k')).toEqual({
      id: expect.any(String),
      success: true,
    });
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('never runs again a write that got no answer: the same token is used, a new one meets an unknown outcome', async () => {
    const { confirmation, write, clock } = setup();
    const request = createTask();
    const { token } = await confirmation.preview(request);
    const dropped = vi.fn(async () => {
      throw Object.assign(new Error('socket hang up'), { code: 'SF_REQUEST_FAILED' });
    });
    const lost = confirmation.execute(request, token, dropped, {
      idempotencyKey: 'k',
      classify: () => 'unknown',
    });
    expect(await outcome(lost)).toBe('SF_REQUEST_FAILED');
    expect(await outcome(confirmation.execute(request, token, write, { idempotencyKey: 'k' }))).toBe(
      'CONFIRMATION_USED',
    );
    expect(await outcome(confirmedCreate(confirmation, write, 'k'))).toBe('IDEMPOTENCY_OUTCOME_UNKNOWN');
    clock.advance(DEFAULT_IDEMPOTENCY_TTL_MS - 1000);
    expect(await outcome(confirmedCreate(confirmation, write, 'k'))).toBe('IDEMPOTENCY_OUTCOME_UNKNOWN');
    expect(write).not.toHaveBeenCalled();
    // A new key is a new write: the caller decides, having checked.
    expect(await outcome(confirmedCreate(confirmation, write, 'k2'))).toBe('ok');
  });

  it('takes a write whose process died (its lease ran out without a result) for one of unknown outcome', async () => {
    const clock = fakeClock();
    const idempotency = createMemoryIdempotencyStore({ now: clock.now });
    const options = { keys: { current: SECRET }, now: clock.now, idempotency };
    const request = createTask();
    const before = createConfirmation(options);
    const { token } = await before.preview(request);
    // The first process reserved the key, claimed the token and died in the middle of the write.
    const dying = before.execute(request, token, () => new Promise<never>(() => {}), { idempotencyKey: 'k' });
    void dying;
    await vi.waitFor(async () => expect(idempotency.size()).toBe(1));
    const after = createConfirmation(options);
    const write = vi.fn(async () => ({ id: TASK_ID }));
    const { token: fresh } = await after.preview(request);
    expect(await outcome(after.execute(request, fresh, write, { idempotencyKey: 'k' }))).toBe(
      'IDEMPOTENCY_KEY_IN_USE',
    );
    clock.advance(3 * 60_000 + 1);
    expect(await outcome(after.execute(request, fresh, write, { idempotencyKey: 'k' }))).toBe(
      'IDEMPOTENCY_OUTCOME_UNKNOWN',
    );
    expect(await outcome(after.execute(request, token, write, { idempotencyKey: 'k' }))).toBe(
      'CONFIRMATION_USED',
    );
    expect(write).not.toHaveBeenCalled();
  });

  it('refuses a malformed key before anything runs', async () => {
    const { confirmation, write } = setup();
    expect(await outcome(confirmedCreate(confirmation, write, 'not a key'))).toBe('IDEMPOTENCY_KEY_INVALID');
    expect(await outcome(confirmedCreate(confirmation, write, ''))).toBe('IDEMPOTENCY_KEY_INVALID');
    expect(write).not.toHaveBeenCalled();
  });

  it('keeps a result for a day by default, then forgets it', async () => {
    const { confirmation, write, clock } = setup();
    const first = await confirmedCreate(confirmation, write, 'k');
    clock.advance(DEFAULT_IDEMPOTENCY_TTL_MS - 1000);
    expect(await confirmedCreate(confirmation, write, 'k')).toEqual(first);
    clock.advance(2000);
    expect(await confirmedCreate(confirmation, write, 'k')).not.toEqual(first);
    expect(write).toHaveBeenCalledTimes(2);
  });

  it('answers a replay with a copy of the result', async () => {
    const { confirmation, write } = setup();
    const first = (await confirmedCreate(confirmation, write, 'k')) as { id: string };
    first.id = 'changed by the caller';
    expect(await confirmedCreate(confirmation, write, 'k')).not.toEqual(first);
  });

  it('answers SERVICE_UNAVAILABLE without writing when the key store does not answer', async () => {
    const frozen: IdempotencyStore = {
      reserve: () => new Promise(() => {}),
      get: () => new Promise(() => {}),
      put: () => new Promise(() => {}),
      release: () => new Promise(() => {}),
    };
    const { confirmation, write } = setup({ idempotency: frozen, storeDeadlineMs: 50 });
    expect(await outcome(confirmedCreate(confirmation, write, 'k'))).toBe('SERVICE_UNAVAILABLE');
    expect(write).not.toHaveBeenCalled();
  });

  it('returns the result of a write that happened even when the store cannot keep it', async () => {
    const memory = createMemoryIdempotencyStore();
    const failingPut: IdempotencyStore = { ...memory, put: () => Promise.reject(new Error('READONLY')) };
    const errors: unknown[] = [];
    const clock = fakeClock();
    const confirmation = createConfirmation({
      keys: { current: SECRET },
      now: clock.now,
      idempotency: failingPut,
      onStoreError: (error) => errors.push(error),
    });
    const write = vi.fn(async () => ({ id: TASK_ID }));
    expect(await confirmedCreate(confirmation, write, 'k')).toEqual({ id: TASK_ID });
    expect(errors).toHaveLength(1);
    // The key stays held: never run again, not even after its lease.
    clock.advance(3 * 60_000 + 1);
    expect(await outcome(confirmedCreate(confirmation, write, 'k'))).toBe('IDEMPOTENCY_OUTCOME_UNKNOWN');
    expect(write).toHaveBeenCalledTimes(1);
  });
});
