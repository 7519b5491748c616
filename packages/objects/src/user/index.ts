import { z } from 'zod';
import { getOperation, searchOperation } from '../crud.ts';
import { defineRead, type ReadOperation } from '../operation.ts';
import { runList } from '../read.ts';
import { recordSchema } from '../spec.ts';
import { queueSpec, userSpec } from './spec.ts';

export { queueSpec, userSpec };

/** Searches active users by name, username or email. */
export const searchUsers: ReadOperation = {
  ...searchOperation(userSpec),
  summary: 'Search active users by name, username or email; without a term, recently changed users.',
};

export const getUser = getOperation(userSpec);

/** Lists the org's queues (Groups of type Queue), by name. */
export const listQueues = defineRead({
  name: 'listQueues',
  object: queueSpec,
  summary: 'List the queues cases and leads can be routed to.',
  input: z.strictObject({ term: z.string().trim().max(200).optional().describe('Part of the queue name.') }),
  output: z.object({ records: z.array(recordSchema(queueSpec)) }),
  rest: { method: 'get', path: '/queues' },
  view: { kind: 'list', object: queueSpec },
  async execute(ctx, { term }) {
    const keys = Object.keys(queueSpec.fields);
    return { records: await runList(ctx, queueSpec, { term, limit: 200, keys }) };
  },
});

export const userOperations = [searchUsers, getUser, listQueues];
