import type { YogaLogger } from 'graphql-yoga';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { DestinationStream, Logger } from 'pino';

/** Salesforce access tokens (`00D…!…`) and bearer credentials, wherever they might hide in text. */
const SECRETS = [/\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g, /\b(Bearer|ApiKey)\s+[^\s"',]+/gi];

/** Text with every token-like value replaced. */
export function scrub(text: string): string {
  return SECRETS.reduce(
    (out, pattern) =>
      out.replace(pattern, (_m, scheme?: string) =>
        typeof scheme === 'string' ? `${scheme} [redacted]` : '[redacted]',
      ),
    text,
  );
}

/**
 * Errors are logged by name, code, message and stack only (scrubbed), never with their other
 * properties: an HTTP client's error can carry the request it failed on, headers included.
 */
function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: scrub(String(error)) };
  const e = error as Error & { code?: unknown; errorCode?: unknown; cause?: unknown };
  return {
    type: e.name,
    message: scrub(e.message),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.errorCode === 'string' ? { salesforceErrorCode: e.errorCode } : {}),
    ...(e.stack ? { stack: scrub(e.stack) } : {}),
    ...(e.cause instanceof Error ? { cause: serializeError(e.cause) } : {}),
  };
}

/**
 * The gateway's structured logger (pino, JSON lines). Headers are never logged; the redact paths
 * are a second guard for anything that looks like a credential.
 */
export function createLogger(
  options: { level?: LoggerOptions['level']; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      name: 'sfgql-gateway',
      level: options.level ?? 'info',
      serializers: { err: serializeError },
      redact: {
        paths: [
          'authorization',
          'accessToken',
          'refreshToken',
          'apiKey',
          '*.authorization',
          '*.accessToken',
          '*.refreshToken',
          '*.apiKey',
          'headers.*',
        ],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}

/** Yoga's own messages (masked errors, warnings) through the gateway's logger. */
export function yogaLogger(logger: Logger): YogaLogger {
  const forward =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const err = args.find((a) => a instanceof Error);
      const text = args
        .filter((a) => typeof a === 'string')
        .map((a) => scrub(a as string))
        .join(' ');
      logger[level](err ? { err } : {}, text || (err as Error | undefined)?.message || 'graphql-yoga');
    };
  return { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };
}
