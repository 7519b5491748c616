import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ConfirmationRequest } from '@sfgql/confirm';
import { type ErrorReport, isOperationError, reportError } from '@sfgql/objects/errors';
import { type ConfirmMode, TOKEN_ARGUMENT } from './tools.ts';

/**
 * What a model should do after each refusal, added to the error's own sentence. Confirmation codes
 * only happen in token mode: with elicitation no token reaches the model.
 */
const NEXT: Record<string, string> = {
  INVALID_INPUT: 'Correct the arguments and call again.',
  NOT_FOUND: 'Check the number or Id with the user, or search for the record first.',
  SF_NOT_FOUND: 'Check the number or Id with the user, or search for the record first.',
  CONFIRMATION_INVALID: `Call again without ${TOKEN_ARGUMENT} to get a new summary, and send its token back unchanged.`,
  CONFIRMATION_EXPIRED: `Call again without ${TOKEN_ARGUMENT} for a fresh summary, read it to the user, and send the new token only if they agree.`,
  CONFIRMATION_MISMATCH: `A token confirms only the exact call it was issued for: repeat that call with the same arguments, or call without ${TOKEN_ARGUMENT} to confirm these.`,
  CONFIRMATION_USED: `Nothing was written twice. To make another change, call again without ${TOKEN_ARGUMENT}.`,
  WRITE_FORBIDDEN: 'This server may not make this change: tell the user to make it in Salesforce.',
  SF_FORBIDDEN: 'The Salesforce user may not do this: tell the user, do not retry.',
  SF_REQUEST_LIMIT: "The org's daily API limit is used up: tell the user to try again later.",
  SF_API_BUDGET_LOW:
    "The org's API calls are kept for essential work today: tell the user to try again later.",
  SERVICE_UNAVAILABLE: 'Call again in a few seconds with the same arguments.',
  SF_INTEGRATION_UNAVAILABLE: 'The server cannot sign in to Salesforce right now: try again later.',
  SF_CONFLICT:
    'Salesforce already has this (a duplicate, or a record another change holds): tell the user, do not retry.',
  SF_REFUSED: "Salesforce's own rules refuse this change: tell the user why, do not retry as it is.",
  SF_INVALID_DATA: 'Correct the values Salesforce names and call again.',
  SF_QUERY_INVALID: 'Change the arguments and call again.',
  SF_SESSION_EXPIRED: 'The Salesforce sign-in expired: reconnect to sign in again, then call again.',
  SF_AUTH_FAILED: 'The Salesforce sign-in is not valid: reconnect to sign in again.',
  SF_AUTH_REQUIRED: 'Reconnect with Salesforce credentials.',
  SF_REQUEST_FAILED: 'Salesforce did not answer: call again in a moment.',
  INTERNAL_SERVER_ERROR: 'The server failed unexpectedly: call again, and tell the user if it fails again.',
};

/** Where an error result carries its code for programs (the text carries it for models). */
export const ERROR_META = 'dev.sfgql/error';

/**
 * A tool result that reports an error: a sentence for the model ending with the error's code,
 * never a protocol error or a stack; the code again in `_meta` for programs.
 */
export function errorResult(
  sentence: string,
  code: string,
  salesforceErrorCode?: string | undefined,
): CallToolResult {
  const salesforce = salesforceErrorCode ? `, Salesforce ${salesforceErrorCode}` : '';
  return {
    isError: true,
    content: [{ type: 'text', text: `${sentence} (${code}${salesforce})` }],
    _meta: { [ERROR_META]: { code, ...(salesforceErrorCode ? { salesforceErrorCode } : {}) } },
  };
}

/** Zod's issues as `field: reason`, the path as the caller named it. */
function invalidArguments(error: unknown): string | undefined {
  const issues = (error as { cause?: { issues?: unknown } }).cause?.issues;
  if (!isOperationError(error) || !Array.isArray(issues) || !issues.length) return undefined;
  const parts = issues.map((issue: { path?: unknown[]; message?: string }) => {
    const path = (issue.path ?? []).map(String).join('.');
    return path ? `${path}: ${issue.message}` : String(issue.message);
  });
  return `Invalid arguments: ${parts.join('; ')}.`;
}

/** A changed record's fresh summary, for the model to read to the user (token mode). */
function staleText(confirmation: ConfirmationRequest | undefined, mode: ConfirmMode): string {
  if (mode === 'elicitation' || !confirmation)
    return 'The record changed since the summary the user saw; nothing was written. Call again to show the user the change as it would be now.';
  return `The record changed since the summary the user saw; nothing was written. As it is now: ${confirmation.summary} If the user agrees to this, call again with the same arguments and ${TOKEN_ARGUMENT} "${confirmation.token}".`;
}

/** Messages of other packages may end without a stop; the next sentence needs one before it. */
const stopped = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/**
 * Any error of a tool call as the tool result a model reads, with the report it came from (its code,
 * for the logs). Errors the project knows keep their words and say what to do next; the unknown are
 * masked by `reportError`.
 */
export function toolErrorResult(
  error: unknown,
  mode: ConfirmMode,
): { result: CallToolResult; report: ErrorReport } {
  const report = reportError(error);
  const text =
    report.code === 'CONFIRMATION_STALE'
      ? staleText(report.details?.confirmation as ConfirmationRequest | undefined, mode)
      : [
          stopped((report.code === 'INVALID_INPUT' && invalidArguments(error)) || report.message),
          NEXT[report.code],
        ]
          .filter(Boolean)
          .join(' ');
  return { result: errorResult(text, report.code, report.salesforceErrorCode), report };
}
