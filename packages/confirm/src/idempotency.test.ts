import { describe, expect, it, vi } from 'vitest';
import { ALICE, BOB, createTask, fakeClock, outcome, SECRET, updateCase } from '../test/fixtures.ts';
import { createConfirmation, DEFAULT_IDEMPOTENCY_TTL_MS } from './confirmation.ts';
import { createMemoryIdempotencyStore, type IdempotencyStore, isValidIdempotencyKey } from './idempotency.ts';

const TASK_ID = '00T000000000001AAA';

function setup(options: { idempotency?: IdempotencyStore } = {}) {
  const clock = fakeClock();
  const confirmation = createConfirmation({ keys: { current: SECRET }, now: clock.now, ...options });
  let created = 0;
  const write = vi.fn(async () => ({ id: `${TASK_ID.slice(0, -4)}${++created}AAA`, success: true }));
  return { clock, confirmation, write };
}

/** A create confirmed with a fresh token, under `key`. */
async function confirmedCreate(
  confirmation: ReturnType<typeof createConfirmation>,
  write: () => Promise<unknown>,
  key: string | undefined,
  request = createTask(),
) {
  const { token } = await confirmation.preview(request);
  return confirmation.execute(request, token, write, { idempotencyKey: key });
}

describe('createMemoryIdempotencyStore', () => {
  it('reserves a key once, keeps the result, frees it on release and after its time', async () => {
    const clock = fakeClock();
    const store = createMemoryIdempotencyStore({ now: clock.now, sweepEveryMs: 1000 });
    expect(await store.reserve('k', 'f', 1000)).toBeNull();
    expect(await store.reserve('k', 'f', 1000)).toEqual({ state: 'pending', fingerprint: 'f' });
    await store.complete('k', 'f', { id: 'a' }, 5000);
    expect(await store.reserve('k', 'g', 1000)).toEqual({
      state: 'done',
      fingerprint: 'f',
      result: { id: 'a' },
    });
    await store.release('k');
    expect(await store.reserve('k', 'g', 1000)).toBeNull();
    clock.advance(1001);
    expect(await store.reserve('k', 'h', 1000)).toBeNull();
    clock.advance(2000);
    await store.reserve('other', 'f', 1000);
    expect(store.size()).toBe(1);
  });

  it('answers null to exactly one of many concurrent reservations', async () => {
    const store = createMemoryIdempotencyStore();
    const answers = await Promise.all(Array.from({ length: 50 }, () => store.reserve('k', 'f', 1000)));
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
    // The client did not hear the answer and sends the very same call again.
    expect(await confirmation.execute(request, token, write, { idempotencyKey: 'key-1' })).toEqual(first);
    // Or it asked for a new confirmation first.
    expect(await confirmedCreate(confirmation, write, 'key-1')).toEqual(first);
    // Or it repeats the first call, without a token.
    expect(await confirmation.execute(request, undefined, write, { idempotencyKey: 'key-1' })).toEqual(first);
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

  it('refuses a key reused for another write', async () => {
    const { confirmation, write } = setup();
    await confirmedCreate(confirmation, write, 'k');
    const other = createTask({ args: { subject: 'Something else' } });
    expect(await outcome(confirmedCreate(confirmation, write, 'k', other))).toBe('IDEMPOTENCY_KEY_REUSED');
    const update = updateCase();
    const { token } = await confirmation.preview(update);
    expect(await outcome(confirmation.execute(update, token, write, { idempotencyKey: 'k' }))).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(write).toHaveBeenCalledTimes(1);
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
    const first = confirmation.execute(request, token, slow, { idempotencyKey: 'k' });
    await vi.waitFor(() => expect(slow).toHaveBeenCalled());
    expect(await outcome(confirmation.execute(request, token, slow, { idempotencyKey: 'k' }))).toBe(
      'IDEMPOTENCY_KEY_IN_USE',
    );
    finish({ id: TASK_ID, success: true });
    expect(await first).toEqual({ id: TASK_ID, success: true });
    expect(await confirmation.execute(request, token, slow, { idempotencyKey: 'k' })).toEqual({
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
        confirmation.execute(request, token, write, { idempotencyKey: 'k' }).then(
          (r) => r,
          (e: { code?: string }) => e.code,
        ),
      ),
    );
    expect(write).toHaveBeenCalledTimes(1);
    expect(outcomes.filter((o) => typeof o === 'object')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'IDEMPOTENCY_KEY_IN_USE')).toHaveLength(19);
  });

  it('frees the key when nothing was written: a preview, a refusal, a failed write', async () => {
    const { confirmation, write } = setup();
    const request = createTask();
    expect(await outcome(confirmation.execute(request, undefined, write, { idempotencyKey: 'k' }))).toBe(
      'CONFIRMATION_REQUIRED',
    );
    expect(await outcome(confirmation.execute(request, 'forged', write, { idempotencyKey: 'k' }))).toBe(
      'CONFIRMATION_INVALID',
    );
    const failing = vi.fn(async () => {
      throw Object.assign(new Error('down'), { code: 'SF_REQUEST_FAILED' });
    });
    expect(await outcome(confirmedCreate(confirmation, failing, 'k'))).toBe('SF_REQUEST_FAILED');
    expect(await confirmedCreate(confirmation, write, 'k')).toEqual({
      id: expect.any(String),
      success: true,
    });
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('refuses a malformed key before anything runs', async () => {
    const { confirmation, write } = setup();
    expect(await outcome(confirmedCreate(confirmation, write, 'not a key'))).toBe('IDEMPOTENCY_KEY_INVALID');
    expect(await outcome(confirmedCreate(confirmation, write, ''))).toBe('IDEMPOTENCY_KEY_INVALID');
    expect(write).not.toHaveBeenCalled();
  });

  it('forgets a result after a day by default', async () => {
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
});
