import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ConfirmationRequest } from '@sfgql/confirm';
import { type ErrorReport, isOperationError, nextStep, reportError } from '@sfgql/objects/errors';
import { type ConfirmMode, TOKEN_ARGUMENT } from './tools.ts';

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
          nextStep(report.code, { token: TOKEN_ARGUMENT }),
        ]
          .filter(Boolean)
          .join(' ');
  return { result: errorResult(text, report.code, report.salesforceErrorCode), report };
}
