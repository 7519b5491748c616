import { z } from 'zod';
import {
  createdSchema,
  createOperation,
  createRecord,
  deleteOperation,
  getOperation,
  linkedNames,
  searchOperation,
  updateOperation,
} from '../crud.ts';
import { idSchema, writeSchema } from '../input.ts';
import { defineWrite, newRecordPreview, type OperationContext } from '../operation.ts';
import { taskSpec, WHAT_OBJECTS, WHO_OBJECTS } from './spec.ts';

export { taskSpec, WHAT_OBJECTS, WHO_OBJECTS };
export const searchTasks = searchOperation(taskSpec);
export const getTask = getOperation(taskSpec);
export const createTask = createOperation(taskSpec);
export const updateTask = updateOperation(taskSpec);
export const deleteTask = deleteOperation(taskSpec);

const f = taskSpec.fields;

/**
 * Logs a call: a completed Task with TaskSubtype `Call`, so it shows among the logged calls of the
 * person's activity timeline rather than as a to-do, dated today as Salesforce's "Log a Call" does
 * (the activity timeline orders activities by their date).
 */
export const logCall = defineWrite({
  name: 'logCall',
  action: 'create',
  object: taskSpec,
  rest: { method: 'post', path: '/tasks/calls' },
  summary:
    'Log a phone call on the activity timeline of a contact or lead (and an account, opportunity or case).',
  input: z.strictObject({
    subject: writeSchema(f.subject).describe('Title, e.g. "Inbound call - billing question".'),
    callType: z.enum(['Inbound', 'Outbound', 'Internal']).describe('Direction of the call.'),
    callDisposition: z
      .string()
      .trim()
      .max(255)
      .optional()
      .describe('Outcome: Connected, Left Voicemail, No Answer, ...'),
    description: z.string().max(32_000).optional().describe('Call notes.'),
    whoId: idSchema(WHO_OBJECTS).optional().describe('The contact or lead called.'),
    whatId: idSchema(WHAT_OBJECTS)
      .optional()
      .describe('The account, opportunity or case the call was about.'),
    durationSeconds: z.int().min(0).max(86_400).optional().describe('Call length in seconds.'),
    priority: writeSchema(f.priority).optional(),
  }),
  output: createdSchema,
  async prepare(ctx, input) {
    const values = callValues(ctx, input);
    const names = await linkedNames(ctx, taskSpec, values);
    const who = input.whoId ? ` with ${names.get(input.whoId)}` : '';
    const what = input.whatId ? ` about ${names.get(input.whatId)}` : '';
    return newRecordPreview(
      'Task',
      Object.entries(values).map(([field, after]) => ({ field, before: null, after })),
      `Log a completed ${input.callType.toLowerCase()} call ${JSON.stringify(input.subject)}${input.callDisposition ? ` (${input.callDisposition})` : ''}${who}${what}.`,
    );
  },
  execute: (ctx, input) => createRecord(ctx, taskSpec, callValues(ctx, input)),
});

function callValues(
  ctx: OperationContext,
  input: {
    subject: unknown;
    callType: string;
    callDisposition?: string;
    description?: string;
    whoId?: string;
    whatId?: string;
    durationSeconds?: number;
    priority?: unknown;
  },
): Record<string, unknown> {
  return {
    subject: input.subject,
    taskSubtype: 'Call',
    type: 'Call',
    status: 'Completed',
    // Today as the caller's clock has it (UTC): the day the call is logged is the day it took place.
    activityDate: (ctx.now?.() ?? new Date()).toISOString().slice(0, 10),
    callType: input.callType,
    ...(input.callDisposition ? { callDisposition: input.callDisposition } : {}),
    ...(input.description ? { description: input.description } : {}),
    ...(input.whoId ? { whoId: input.whoId } : {}),
    ...(input.whatId ? { whatId: input.whatId } : {}),
    ...(input.durationSeconds !== undefined ? { callDurationInSeconds: input.durationSeconds } : {}),
    priority: input.priority ?? 'Normal',
  };
}

/** Every Task operation, for the adapters. */
export const taskOperations = [searchTasks, getTask, createTask, logCall, updateTask, deleteTask];
