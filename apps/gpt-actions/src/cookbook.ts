import { CASE_QUERY_ALLOWLIST, deleteCase, updateCaseStatus } from '@sfgql/objects/case';
import { validateReadOnlySoql, withoutAttributes } from '@sfgql/soql';
import {
  type ActionRequest,
  type Binding,
  bindOperation,
  errorResponses,
  json,
  problemResponse,
} from './binding.ts';
import { fitForGpt } from './fit.ts';
import { problem } from './problem.ts';

/** The guide's paths carry API version 60.0; they stay so, whatever version the adapter uses. */
export const COOKBOOK_BASE = '/services/data/v60.0';

/** At most this many rows per query: a GPT Action's response must stay under 100,000 characters. */
export const COOKBOOK_QUERY_LIMIT = 50;

/** The query the guide has the GPT send for a case number (shown as text, never run as such). */
export const cookbookCaseQuery = (caseNumber: string) =>
  `SELECT Id, CaseNumber, Status, Subject, Description FROM Case WHERE CaseNumber = '${caseNumber}'`;

const EXAMPLE = cookbookCaseQuery('00001104');

/**
 * The guide's `getCaseDetailsFromNumber`: `GET /services/data/v60.0/query?q=` with SOQL the model
 * writes. The query runs only when `@sfgql/soql`'s validator finds `SELECT … FROM Case [WHERE]
 * [WITH SECURITY_ENFORCED|USER_MODE] [ORDER BY] [LIMIT] [OFFSET]` in SOQL's clause order, on Case's
 * allowlisted fields (nothing that writes, such as UPDATE TRACKING); its LIMIT is added or lowered
 * to 50, and what runs is the validator's recomposed statement, never the text as sent.
 */
const query: Binding = {
  operationId: 'getCaseDetailsFromNumber',
  method: 'get',
  path: `${COOKBOOK_BASE}/query`,
  kind: 'read',
  summary: 'Retrieves case details using a case number',
  description: `Retrieves the details of a Service Cloud case with one read-only SOQL SELECT on Case, e.g. ${EXAMPLE}. At most ${COOKBOOK_QUERY_LIMIT} rows; any other statement is refused with the reason.`,
  parameters: [
    {
      name: 'q',
      in: 'query',
      required: true,
      description: `SOQL query string to find the Case details based on Case Number: SELECT fields FROM Case [WHERE ...] [WITH SECURITY_ENFORCED or WITH USER_MODE] [ORDER BY ...] [LIMIT n] [OFFSET n], in that order; no subqueries, functions or other clauses. Fields allowed: ${CASE_QUERY_ALLOWLIST.Case.join(', ')}.`,
      schema: { type: 'string', examples: [EXAMPLE] },
    },
  ],
  responses: {
    200: {
      description: 'Successfully retrieved the case details',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              totalSize: { type: 'integer' },
              done: { type: 'boolean' },
              records: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: Object.fromEntries(
                    ['Id', 'CaseNumber', 'Status', 'Subject', 'Description'].map((f) => [
                      f,
                      { type: 'string' },
                    ]),
                  ),
                },
              },
            },
          },
        },
      },
    },
    ...errorResponses('read'),
  },
  nameOf: (key) => key,
  async handle({ caller, query: params }: ActionRequest) {
    const unknown = [...new Set(params.keys())].filter((k) => k !== 'q');
    const q = params.get('q') ?? '';
    const refuse = (name: string, reason: string) =>
      problemResponse(
        problem(
          400,
          'QUERY_REFUSED',
          `The query was refused: ${reason}. Send one SELECT on Case instead, e.g. ${EXAMPLE}`,
          {
            invalidParams: [{ name, reason }],
          },
        ),
      );
    if (unknown.length) return refuse(unknown[0] as string, 'is not a parameter; the only one is q');
    if (!q.trim()) return refuse('q', 'q must be a SOQL SELECT statement');
    const checked = validateReadOnlySoql(q, { allow: CASE_QUERY_ALLOWLIST, maxLimit: COOKBOOK_QUERY_LIMIT });
    if (!checked.ok) return refuse('q', checked.reason);
    const result = await caller.client.queryPage(checked.statement);
    return json(
      200,
      fitForGpt({
        totalSize: result.totalSize,
        done: result.done,
        records: withoutAttributes(result.records),
      }),
    );
  },
};

/** The guide's three operations, at its paths, with its operationIds and success responses. */
export function cookbookBindings(): Binding[] {
  return [
    query,
    bindOperation(updateCaseStatus, {
      method: 'patch',
      path: `${COOKBOOK_BASE}/sobjects/Case/{CaseId}`,
      rename: { id: 'CaseId' },
    }),
    bindOperation(deleteCase, {
      method: 'delete',
      path: `${COOKBOOK_BASE}/sobjects/Case/{CaseId}`,
      rename: { id: 'CaseId' },
    }),
  ];
}
