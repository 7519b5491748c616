import { soql } from '@sfgql/soql';
import { z } from 'zod';
import { getOperation, searchInputSchema } from '../crud.ts';
import { defineRead } from '../operation.ts';
import { termSearch } from '../search.ts';
import { compactKeys, fromSalesforce, recordSchema, selectFields } from '../spec.ts';
import { queueSpec, userSpec } from './spec.ts';

export { queueSpec, userSpec };

/** Searches active users by name, username or email. */
export const searchUsers = defineRead({
  name: 'searchUsers',
  object: userSpec,
  summary: 'Search active users by name, username or email; without a term, recently changed users.',
  input: searchInputSchema(userSpec),
  output: z.object({ records: z.array(recordSchema(userSpec)) }),
  async execute({ client }, { term, limit, fields }) {
    const keys = [...new Set([...compactKeys(userSpec), ...(fields ?? [])])];
    const search = term ? termSearch(userSpec, term) : null;
    const where = search ? soql`IsActive = TRUE AND ${search.condition}` : soql`IsActive = TRUE`;
    const result = await client.query(
      soql`SELECT ${soql.fields(selectFields(userSpec, keys))} FROM User WHERE ${where} ORDER BY LastModifiedDate DESC LIMIT ${limit}`,
    );
    const records = search?.verify ? result.records.filter(search.verify) : result.records;
    return { records: records.map((r) => fromSalesforce(userSpec, r, keys)) };
  },
});

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
