import type { z } from 'zod';
import {
  createOperation,
  createPreview,
  deleteOperation,
  getOperation,
  getRecord,
  searchOperation,
  updateOperation,
} from '../crud.ts';
import { OperationError } from '../errors.ts';
import { createInputSchema } from '../input.ts';
import { defineWrite, type OperationContext, restRoute, type WriteOperation } from '../operation.ts';
import { eventSpec } from './spec.ts';

export { eventSpec };
export const searchEvents = searchOperation(eventSpec);
export const getEvent = getOperation(eventSpec);
export const deleteEvent = deleteOperation(eventSpec);

function checkOrder(start: unknown, end: unknown): void {
  if (typeof start === 'string' && typeof end === 'string' && Date.parse(end) <= Date.parse(start)) {
    throw new OperationError(
      'INVALID_INPUT',
      `✖ endDateTime must be after startDateTime\n  → at endDateTime`,
    );
  }
}

const generic = createOperation(eventSpec);

/** Schedules a meeting, callback or appointment; the end must come after the start. */
export const scheduleEvent: WriteOperation = defineWrite({
  name: 'scheduleEvent',
  action: 'create',
  object: eventSpec,
  verb: 'create',
  rest: restRoute(eventSpec, 'create'),
  summary: 'Schedule a meeting, callback or appointment (ISO 8601 start and end, end after start).',
  input: createInputSchema(eventSpec).refine(
    (v: Record<string, unknown>) =>
      typeof v.startDateTime !== 'string' ||
      typeof v.endDateTime !== 'string' ||
      Date.parse(v.endDateTime) > Date.parse(v.startDateTime),
    {
      message: 'endDateTime must be after startDateTime',
      path: ['endDateTime'],
    },
  ),
  output: generic.output,
  prepare: (ctx, input) => createPreview(ctx, eventSpec, input, 'Schedule'),
  execute: (ctx, input) => generic.execute(ctx, input),
});

const genericUpdate = updateOperation(eventSpec);

/** Reads the start or end the update leaves unchanged, so the order is checked either way. */
async function checkUpdate(ctx: OperationContext, input: Record<string, unknown>): Promise<void> {
  if (input.startDateTime === undefined && input.endDateTime === undefined) return;
  let { startDateTime: start, endDateTime: end } = input;
  if (start === undefined || end === undefined) {
    const current = await getRecord(ctx, eventSpec, input.id as string, ['startDateTime', 'endDateTime']);
    start ??= current?.startDateTime;
    end ??= current?.endDateTime;
  }
  checkOrder(start, end);
}

export const updateEvent: WriteOperation = defineWrite({
  name: genericUpdate.name,
  action: 'update',
  object: eventSpec,
  verb: 'update',
  rest: genericUpdate.rest,
  summary: genericUpdate.summary,
  input: genericUpdate.input as z.ZodType<Record<string, unknown>>,
  output: genericUpdate.output,
  async prepare(ctx, input) {
    await checkUpdate(ctx, input);
    return genericUpdate.prepare(ctx, input);
  },
  async execute(ctx, input) {
    await checkUpdate(ctx, input);
    return genericUpdate.execute(ctx, input);
  },
});

/** Every Event operation, for the adapters. */
export const eventOperations = [searchEvents, getEvent, scheduleEvent, updateEvent, deleteEvent];
