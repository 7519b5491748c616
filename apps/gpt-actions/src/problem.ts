import type { ConfirmationRequest } from '@sfgql/confirm';
import { nextStep, reportError } from '@sfgql/objects/errors';
import type { JsonSchema } from '@sfgql/objects/json-schema';

/** One input a caller got wrong: its name as the caller sent it, and why. */
export interface InvalidParam {
  name: string;
  reason: string;
}

/** RFC 9457 problem details, with the project's error code and what to do next. */
export interface Problem {
  type: 'about:blank';
  title: string;
  status: number;
  /** What went wrong and what to do about it, in words a model can act on. */
  detail: string;
  code: string;
  salesforceErrorCode?: string;
  invalidParams?: InvalidParam[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function problem(
  status: number,
  code: string,
  detail: string,
  extensions: Omit<Partial<Problem>, 'type' | 'title' | 'status' | 'detail' | 'code'> = {},
): Problem {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, code, ...extensions };
}

/** Lines of a zod-style message, `✖ reason` followed by `→ at key`, as named by the caller. */
function invalidParamsOf(message: string, nameOf: (key: string) => string): InvalidParam[] {
  const params: InvalidParam[] = [];
  const pattern = /✖ ([^\n]+)(?:\n\s*→ at ([^\n]+))?/g;
  for (const match of message.matchAll(pattern)) {
    const reason = match[1] as string;
    const path = match[2];
    params.push({ name: path ? renamePath(path, nameOf) : '(body)', reason });
  }
  return params;
}

const renamePath = (path: string, nameOf: (key: string) => string) =>
  path.replace(/^([A-Za-z_][A-Za-z0-9_]*)/, (key) => nameOf(key));

/**
 * The problem body for any error: typed errors keep their code and say what to do next, the
 * unknown are masked. `nameOf` turns an operation's keys into the names the caller used.
 */
export function problemFromError(error: unknown, nameOf: (key: string) => string = (k) => k): Problem {
  const report = reportError(error);
  const next = nextStep(report.code, { token: 'confirmationToken', idempotencyKey: 'Idempotency-Key' });
  const extensions: Partial<Problem> = {};
  if (report.salesforceErrorCode) extensions.salesforceErrorCode = report.salesforceErrorCode;
  let detail = report.message;
  if (report.code === 'INVALID_INPUT') {
    const params = invalidParamsOf(report.message, nameOf);
    if (params.length) {
      extensions.invalidParams = params;
      detail = `Invalid input: ${params.map((p) => (p.name === '(body)' ? p.reason : `${p.name}: ${p.reason}`)).join('; ')}.`;
    }
  }
  const details = report.details ?? {};
  const confirmation = details.confirmation as ConfirmationRequest | undefined;
  if (confirmation) Object.assign(extensions, confirmationFields(confirmation));
  if (details.mismatch) extensions.mismatch = details.mismatch;
  if (details.reason) extensions.reason = details.reason;
  if (details.fields) extensions.fields = details.fields;
  return problem(report.status, report.code, next ? `${detail} ${next}` : detail, extensions);
}

/** The parts of a confirmation request a caller needs. */
export function confirmationFields(confirmation: ConfirmationRequest) {
  return {
    confirmationToken: confirmation.token,
    summary: confirmation.summary,
    changes: confirmation.changes,
    expiresAt: confirmation.expiresAt,
  };
}

export const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details.',
  properties: {
    status: { type: 'integer' },
    code: {
      type: 'string',
      description: 'A stable error code, e.g. INVALID_INPUT, NOT_FOUND, CONFIRMATION_EXPIRED.',
    },
    detail: { type: 'string', description: 'What went wrong and what to do next.' },
    invalidParams: {
      type: 'array',
      description: 'The inputs that were wrong, by the name they were sent with.',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, reason: { type: 'string' } },
      },
    },
    confirmationToken: {
      type: 'string',
      description: 'With CONFIRMATION_STALE: a fresh token for the record as it is now.',
    },
    summary: { type: 'string', description: 'With CONFIRMATION_STALE: what the fresh token would do.' },
  },
};
