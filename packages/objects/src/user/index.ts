import { soql } from '@sfgql/soql';
import { z } from 'zod';
import { getOperation, searchOperation } from '../crud.ts';
import { defineRead, type ReadOperation } from '../operation.ts';
import { fromSalesforce, recordSchema, selectFields } from '../spec.ts';
import { queueSpec, userSpec } from './spec.ts';

export { queueSpec, userSpec };

/** Searches active users by name, username or email. */
export const searchUsers: ReadOperation = {
  ...searchOperation(userSpec),
  summary: 'Search active users by name, username or email; without a term, recently changed users.',
};

export const getUser = getOperation(userSpec);

/** Lists the org's queues (Groups of type Queue). */
export const listQueues = defineRead({
  name: 'listQueues',
  object: queueSpec,
  summary: 'List the queues cases and leads can be routed to.',
  input: z.strictObject({ term: z.string().trim().max(80).optional().describe('Part of the queue name.') }),
  output: z.object({ records: z.array(recordSchema(queueSpec)) }),
  async execute({ client }, { term }) {
    const where = term ? soql`Type = 'Queue' AND Name LIKE ${soql.like(term)}` : soql`Type = 'Queue'`;
    const result = await client.query(
      soql`SELECT ${soql.fields(selectFields(queueSpec))} FROM Group WHERE ${where} ORDER BY Name LIMIT 200`,
    );
    return { records: result.records.map((r) => fromSalesforce(queueSpec, r)) };
  },
});

export const userOperations = [searchUsers, getUser, listQueues];
