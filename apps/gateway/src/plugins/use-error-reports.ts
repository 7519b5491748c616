import { reportError } from '@sfgql/objects/errors';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Gives an expected error (bad input, Salesforce's refusals) its code, masking nothing it needs. */
function toReportedError(error: GraphQLError): GraphQLError {
  const report = reportError(error.originalError);
  if (report.code === 'INTERNAL_SERVER_ERROR') return error;
  return new GraphQLError(report.message, {
    nodes: error.nodes,
    path: error.path,
    extensions: {
      code: report.code,
      ...(report.salesforceErrorCode ? { salesforceErrorCode: report.salesforceErrorCode } : {}),
      // What a refused write carries: a fresh confirmation (stale), the mismatched parts, the reason.
      ...(report.details ?? {}),
      // A refusal that will pass (a store that is not answering) says so in HTTP too: 503, retry.
      ...(report.retryAfter
        ? { http: { status: report.status, headers: { 'retry-after': String(report.retryAfter) } } }
        : {}),
      // A token Salesforce stopped accepting (revoked, expired): 401, so that the client signs in again.
      ...(report.code === 'SF_SESSION_EXPIRED'
        ? { http: { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } } }
        : {}),
    },
  });
}

/**
 * Turns the project's typed errors into GraphQL errors with `extensions.code` as execution ends, so
 * that Yoga's masking (which logs and hides everything else) sees only the unexpected ones. When
 * Salesforce no longer accepts the caller's token, `onSessionExpired` hears of the request (the
 * gateway forgets the token it had checked).
 */
export function useErrorReports(
  options: { onSessionExpired?: (request: Request) => void } = {},
): Plugin<{ request: Request }> {
  return {
    onResultProcess({ result, setResult }) {
      // GraphQL's own refusals of a request (a variable of the wrong type) carry no code: bad input.
      if (Array.isArray(result) || !result || typeof result !== 'object' || !('errors' in result)) return;
      const errors = (result as { errors?: GraphQLError[] }).errors;
      if (!errors?.some((e) => !e.extensions?.code)) return;
      setResult({
        ...result,
        errors: errors.map((e) =>
          e.extensions?.code
            ? e
            : new GraphQLError(e.message, {
                nodes: e.nodes,
                path: e.path,
                extensions: { ...e.extensions, code: 'BAD_USER_INPUT' },
              }),
        ),
      } as never);
    },
    onExecute() {
      return {
        onExecuteDone({ args, result, setResult }) {
          if (Symbol.asyncIterator in result || !result.errors?.length) return;
          const errors = result.errors.map(toReportedError);
          if (errors.some((e) => e.extensions.code === 'SF_SESSION_EXPIRED'))
            options.onSessionExpired?.(args.contextValue.request);
          setResult({ ...result, errors });
        },
      };
    },
  };
}
