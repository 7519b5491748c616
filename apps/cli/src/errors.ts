import { reportError } from '@sfgql/objects/errors';

export type CliErrorCode =
  /** The environment's settings are missing or wrong. */
  | 'CONFIGURATION'
  /** A write was not confirmed: declined at the prompt, or no terminal to ask at and no `--yes`. */
  | 'NOT_CONFIRMED';

/** An error of the command itself, rather than of the catalog, the session or Salesforce. */
export class CliError extends Error {
  override name = 'CliError';
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}

/** Several lines (zod's list of problems) as one: a terminal error is one line. */
const oneLine = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');

/**
 * An error as the one line the command prints: the message, then the project's code and
 * Salesforce's errorCode when there is one. Errors are reported as every door reports them
 * (`reportError`); one it does not know (a file that cannot be written) happened on the person's
 * own machine, so its message and Node's code (`ENOENT`) are shown rather than masked.
 */
export function errorLine(error: unknown): string {
  if (error instanceof CliError) return `sfgql: ${oneLine(error.message)} (${error.code})`;
  const report = reportError(error);
  if (report.code === 'INTERNAL_SERVER_ERROR') {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : String(error);
    return `sfgql: ${oneLine(message)} (${typeof code === 'string' ? code : 'UNEXPECTED_ERROR'})`;
  }
  const codes = [report.code, report.salesforceErrorCode].filter(Boolean).join(', ');
  return `sfgql: ${oneLine(report.message)} (${codes})`;
}
