import { z } from '@hono/zod-openapi';
import { reportError } from '@sfgql/objects/errors';

/** RFC 9457 problem details, with the project's error code. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string().describe('What went wrong, in words a model can act on.'),
    code: z.string().describe('A stable error code, e.g. NOT_FOUND or INVALID_INPUT.'),
    salesforceErrorCode: z.string().optional(),
  })
  .openapi('Problem');

export type Problem = z.infer<typeof problemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function problem(status: number, code: string, detail: string, salesforceErrorCode?: string): Problem {
  return {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(salesforceErrorCode ? { salesforceErrorCode } : {}),
  };
}

/** The problem body for any error: typed errors keep their code, the rest are masked. */
export function problemFromError(error: unknown): Problem {
  const report = reportError(error);
  return problem(report.status, report.code, report.message, report.salesforceErrorCode);
}

export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});
