import fc from 'fast-check';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import type { Confirmation } from '../src/confirmation.ts';
import type { Principal, WriteAction, WriteRequest } from '../src/types.ts';
import { ALICE, BOB, OTHER_SECRET, outcome } from './fixtures.ts';

/**
 * Model-based scenarios for the confirmation protocol: random sequences of previews, executions
 * (honest, tampered, replayed, presented by someone else or with other arguments, several copies
 * at once), clock moves and outside changes to records. A small model predicts each outcome; the
 * test compares it with what the real protocol answered and with the writes that really ran.
 */

export type Tamper =
  | { kind: 'none' }
  /** The same bytes in a non-canonical base64url spelling: a different string, the same token. */
  | { kind: 'reencode' }
  | { kind: 'bitflip'; segment: 0 | 1 | 2; index: number; bit: number }
  | { kind: 'resign' }
  | { kind: 'alg-none' }
  | { kind: 'truncate'; keep: number }
  | { kind: 'principal' }
  | { kind: 'arguments' }
  | { kind: 'operation' }
  | { kind: 'record' };

export interface WriteSpec {
  principal: 0 | 1;
  record: number;
  action: WriteAction;
  value: string;
}

export type Step =
  | { type: 'preview'; spec: WriteSpec }
  | { type: 'execute'; token: number; tamper: Tamper; copies: number; instance: number }
  | { type: 'advance'; ms: number }
  | { type: 'touch'; record: number };

export const PRINCIPALS: readonly Principal[] = [ALICE, BOB];

const specArb: fc.Arbitrary<WriteSpec> = fc.record({
  principal: fc.constantFrom(0 as const, 1 as const),
  record: fc.nat({ max: 2 }),
  action: fc.constantFrom<WriteAction>('update', 'update', 'delete', 'create'),
  value: fc.constantFrom('New', 'Working', 'Escalated', 'Closed'),
});

const tamperArb: fc.Arbitrary<Tamper> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.constant({ kind: 'reencode' as const }),
  fc.record({
    kind: fc.constant('bitflip' as const),
    segment: fc.constantFrom(0 as const, 1 as const, 2 as const),
    index: fc.nat(),
    bit: fc.nat({ max: 7 }),
  }),
  fc.constant({ kind: 'resign' as const }),
  fc.constant({ kind: 'alg-none' as const }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.constant({ kind: 'principal' as const }),
  fc.constant({ kind: 'arguments' as const }),
  fc.constant({ kind: 'operation' as const }),
  fc.constant({ kind: 'record' as const }),
);

/** Sequences of steps. Token, record and instance numbers wrap around what exists. */
export function stepsArb(options: { maxLength?: number; records?: number } = {}): fc.Arbitrary<Step[]> {
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 4, arbitrary: specArb.map((spec) => ({ type: 'preview' as const, spec })) },
    {
      weight: 6,
      arbitrary: fc.record({
        type: fc.constant('execute' as const),
        token: fc.nat(),
        tamper: tamperArb,
        copies: fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, fc.integer({ min: 2, max: 4 })),
        instance: fc.nat(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('advance' as const),
        // Mostly a person's pause, sometimes past a 5-minute expiry.
        ms: fc.oneof(fc.nat({ max: 60_000 }), fc.integer({ min: 250_000, max: 400_000 })),
      }),
    },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('touch' as const), record: fc.nat({ max: 2 }) }) },
  );
  return fc.array(step, { minLength: 1, maxLength: options.maxLength ?? 30 });
}

/** The records a scenario writes to: ids, and the state the model and the write keep in step. */
export interface World {
  ids: string[];
  /** The Status each record has now. */
  status: string[];
  /** Each record's SystemModstamp now. */
  modstamp: string[];
  /** Whether each record has been deleted. */
  deleted: boolean[];
}

/** Builds the operations layer's request for a write, against the records as they are now. */
export function requestFor(spec: WriteSpec, world: World): WriteRequest {
  const principal = PRINCIPALS[spec.principal] as Principal;
  const id = world.ids[spec.record] as string;
  switch (spec.action) {
    case 'update':
      return {
        principal,
        operation: 'updateCase',
        action: 'update',
        object: 'Case',
        recordId: id,
        args: { id, fields: { Status: spec.value } },
        changes: [{ field: 'Status', before: world.status[spec.record], after: spec.value }],
        systemModstamp: world.modstamp[spec.record],
      };
    case 'delete':
      return {
        principal,
        operation: 'deleteCase',
        action: 'delete',
        object: 'Case',
        recordId: id,
        args: { id },
        changes: [],
        systemModstamp: world.modstamp[spec.record],
      };
    case 'create':
      return {
        principal,
        operation: 'createTask',
        action: 'create',
        object: 'Task',
        args: { Subject: `Follow up: ${spec.value}`, WhatId: id },
        changes: [
          { field: 'Subject', before: null, after: `Follow up: ${spec.value}` },
          { field: 'WhatId', before: null, after: id },
        ],
      };
  }
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The token as an attacker (or a confused client) would present it. */
export async function tamperToken(token: string, tamper: Tamper): Promise<string> {
  const segments = token.split('.') as [string, string, string];
  switch (tamper.kind) {
    case 'reencode': {
      // A 32-byte HMAC is 43 base64url characters; the last carries 4 bits and 2 unused ones.
      const signature = segments[2];
      const last = BASE64URL.indexOf(signature.at(-1) ?? 'A');
      return `${segments[0]}.${segments[1]}.${signature.slice(0, -1)}${BASE64URL[last ^ 1]}`;
    }
    case 'bitflip': {
      const bytes = Buffer.from(segments[tamper.segment], 'base64url');
      const at = tamper.index % bytes.length;
      bytes[at] = (bytes[at] ?? 0) ^ (1 << tamper.bit);
      segments[tamper.segment] = bytes.toString('base64url');
      return segments.join('.');
    }
    case 'resign':
      return new SignJWT(decodeJwt(token))
        .setProtectedHeader(decodeProtectedHeader(token) as { alg: string })
        .sign(new TextEncoder().encode(OTHER_SECRET));
    case 'alg-none':
      return `${encode({ ...decodeProtectedHeader(token), alg: 'none' })}.${segments[1]}.`;
    case 'truncate':
      // At least one character: an empty token is no token (CONFIRMATION_REQUIRED), not a forgery.
      return token.slice(0, 1 + (tamper.keep % (token.length - 1)));
    default:
      return token;
  }
}

/** The request a tampered presentation sends: the honest one, or one with a part swapped. */
function presentedSpec(
  spec: WriteSpec,
  tamper: Tamper,
  records: number,
): { spec: WriteSpec; operation?: string } {
  switch (tamper.kind) {
    case 'principal':
      return { spec: { ...spec, principal: spec.principal === 0 ? 1 : 0 } };
    case 'arguments':
      return { spec: { ...spec, value: `${spec.value}!` } };
    case 'record':
      return { spec: { ...spec, record: (spec.record + 1) % records } };
    default:
      return { spec };
  }
}

interface Issued {
  token: string;
  spec: WriteSpec;
  jti: string;
  expMs: number;
  modstamp: string | undefined;
  used: boolean;
}

export interface ScenarioResult {
  /** Every execution's outcome: 'ok' or the refusal code. */
  outcomes: string[];
  /** What the model predicted, in the same order. */
  expected: string[];
  /** The token ids the model says were legitimately executed, in order. */
  executed: string[];
}

/** What Salesforce answers a write whose record was deleted, or changed since the preview. */
const salesforceRefusal = (status: 404 | 412) =>
  Object.assign(new Error(status === 404 ? 'entity is deleted' : 'Precondition Failed'), {
    status,
    code: status === 404 ? 'SF_NOT_FOUND' : 'SF_PRECONDITION_FAILED',
  });

/**
 * Runs steps against the confirmation instances (executions go to `instances[step.instance % n]`,
 * previews to the first), predicting each outcome with the model. `write` performs the real write
 * and must bump `world` as the record changes (the harness does it for touches). In front of it the
 * harness plays Salesforce's part: a deleted record is 404, and a write whose If-Unmodified-Since
 * no longer holds is 412 (the stamps are compared exactly).
 */
export async function runScenario(options: {
  steps: Step[];
  instances: Confirmation[];
  world: World;
  clock: { now(): number; advance(ms: number): void };
  write: (request: WriteRequest, tokenId: string | null) => Promise<unknown>;
  touch: (record: number) => Promise<void>;
}): Promise<ScenarioResult> {
  const { world, clock, instances } = options;
  const records = world.ids.length;
  const issued: Issued[] = [];
  const result: ScenarioResult = { outcomes: [], expected: [], executed: [] };

  for (const step of options.steps) {
    if (step.type === 'advance') {
      clock.advance(step.ms);
      continue;
    }
    if (step.type === 'touch') {
      if (!world.deleted[step.record % records]) await options.touch(step.record % records);
      continue;
    }
    if (step.type === 'preview') {
      const spec = { ...step.spec, record: step.spec.record % records };
      // The operations layer reads the record before previewing: a deleted one is NOT_FOUND there.
      if (world.deleted[spec.record]) continue;
      const request = requestFor(spec, world);
      const preview = await (instances[0] as Confirmation).preview(request);
      const claims = decodeJwt(preview.token);
      issued.push({
        token: preview.token,
        spec,
        jti: claims.jti as string,
        expMs: (claims.exp as number) * 1000,
        modstamp: request.systemModstamp,
        used: false,
      });
      continue;
    }
    if (issued.length === 0) continue;
    const target = issued[step.token % issued.length] as Issued;
    const token = await tamperToken(target.token, step.tamper);
    const presented = presentedSpec(target.spec, step.tamper, records);
    const request = requestFor(presented.spec, world);
    if (step.tamper.kind === 'operation') request.operation = `${request.operation}Again`;
    // A delete's only argument is the id; other arguments are an extra one.
    if (step.tamper.kind === 'arguments' && request.action === 'delete') {
      request.args = { ...(request.args as object), allOrNone: true };
    }

    // The model: the order in which the protocol checks things.
    let first: string;
    const forged = ['bitflip', 'resign', 'alg-none', 'truncate'].includes(step.tamper.kind);
    // Another record is a mismatch for every action: a create names it in its arguments (WhatId).
    const mismatched =
      ['principal', 'arguments', 'operation'].includes(step.tamper.kind) ||
      (step.tamper.kind === 'record' && records > 1);
    if (forged) first = 'CONFIRMATION_INVALID';
    else if (clock.now() >= target.expMs) first = 'CONFIRMATION_EXPIRED';
    else if (mismatched) first = 'CONFIRMATION_MISMATCH';
    else if (target.used) first = 'CONFIRMATION_USED';
    else {
      target.used = true;
      // A create names the record too (WhatId): Salesforce refuses a deleted one for every action.
      if (world.deleted[target.spec.record]) first = 'SF_NOT_FOUND';
      else if (target.spec.action !== 'create' && world.modstamp[target.spec.record] !== target.modstamp)
        first = 'CONFIRMATION_STALE';
      else first = 'ok';
    }
    const claimedByFirst = ![
      'CONFIRMATION_INVALID',
      'CONFIRMATION_EXPIRED',
      'CONFIRMATION_MISMATCH',
    ].includes(first);
    const expected = [
      first,
      ...Array.from({ length: step.copies - 1 }, () => (claimedByFirst ? 'CONFIRMATION_USED' : first)),
    ];
    if (first === 'ok') result.executed.push(target.jti);

    const instance = instances[step.instance % instances.length] as Confirmation;
    const outcomes = await Promise.all(
      Array.from({ length: step.copies }, (_, copy) =>
        outcome(
          // Copies go to every instance in turn: a double submission across the load balancer.
          (instances[(step.instance + copy) % instances.length] ?? instance).execute(
            request,
            token,
            async (ctx) => {
              const index = presented.spec.record;
              if (world.deleted[index]) throw salesforceRefusal(404);
              if (request.action !== 'create' && world.modstamp[index] !== ctx.ifUnmodifiedSince) {
                throw salesforceRefusal(412);
              }
              return options.write(request, ctx.tokenId);
            },
            {
              classify: (error) => ((error as { status?: number }).status === 412 ? 'stale' : 'refused'),
              current: async () => requestFor(presented.spec, world),
            },
          ),
        ),
      ),
    );
    // Which copy wins the race is not the model's to say; how many win, and with what, is.
    result.outcomes.push(...outcomes.sort());
    result.expected.push(...expected.sort());
  }
  return result;
}

/** A world of `n` cases in status New, with SystemModstamps the in-memory write bumps. */
export function memoryWorld(n = 3): World {
  return {
    ids: Array.from({ length: n }, (_, i) => `500${String(i + 1).padStart(12, '0')}AAA`),
    status: Array.from({ length: n }, () => 'New'),
    modstamp: Array.from({ length: n }, () => '2026-03-01T09:00:00.000Z'),
    deleted: Array.from({ length: n }, () => false),
  };
}

/** Applies a write to an in-memory world: updates set Status and bump the stamp, deletes delete. */
export function applyToWorld(world: World, request: WriteRequest, stamp: () => string): void {
  if (request.action === 'create') return;
  const index = world.ids.indexOf(request.recordId ?? '');
  if (index < 0) return;
  if (request.action === 'delete') world.deleted[index] = true;
  if (request.action === 'update') {
    world.status[index] = String((request.changes[0]?.after as string | undefined) ?? world.status[index]);
  }
  world.modstamp[index] = stamp();
}
