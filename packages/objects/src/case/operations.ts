import { soql } from '@sfgql/soql';
import { z } from 'zod';
import { defineOperation, fromSalesforce, recordSchema, selectFields } from '../spec.ts';
import { caseSpec } from './spec.ts';

export const caseRecordSchema = recordSchema(caseSpec);

/**
 * Finds a case by its number, by exact match. The number is sent as an escaped literal, so input
 * such as `00001104' OR CaseNumber != '` matches nothing.
 */
export const getCaseByNumber = defineOperation({
  name: 'getCaseDetailsFromNumber',
  object: caseSpec,
  kind: 'read',
  summary: 'Get the details of a case from its case number (exact match).',
  input: z.object({
    caseNumber: z
      .string()
      .trim()
      .min(1, 'caseNumber must not be empty')
      .max(80)
      .describe('The case number, e.g. 00001104.'),
  }),
  output: caseRecordSchema.nullable(),
  async execute({ client }, { caseNumber }) {
    const result = await client.query(
      soql`SELECT ${soql.fields(selectFields(caseSpec))} FROM Case WHERE CaseNumber = ${caseNumber} LIMIT 1`,
    );
    const record = result.records[0];
    return record ? fromSalesforce(caseSpec, record) : null;
  },
});
