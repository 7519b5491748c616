import type { SharedConfig } from '@sfgql/config';

/** Where log lines go: stdout over HTTP; never stdout over stdio, which carries the protocol. */
export interface LogDestination {
  write(line: string): unknown;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 } as const;

/** An error as a log field: its name, code and message (a stack only for the unexpected). */
function serialize(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const code = (value as { code?: unknown }).code;
  return {
    name: value.name,
    message: value.message,
    ...(typeof code === 'string' ? { code } : { stack: value.stack }),
  };
}

/** JSON lines (`time`, `level`, `msg` and the fields), as the other servers write them. */
export function createLogger(
  options: { level?: SharedConfig['logLevel']; destination?: LogDestination } = {},
): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const destination = options.destination ?? process.stdout;
  const line = (level: keyof typeof LEVELS) => (obj: object, msg?: string) => {
    if (LEVELS[level] < threshold) return;
    const fields = Object.fromEntries(Object.entries(obj).map(([key, value]) => [key, serialize(value)]));
    destination.write(
      `${JSON.stringify({ time: new Date().toISOString(), level, name: 'sfgql-mcp', msg, ...fields })}\n`,
    );
  };
  return { info: line('info'), warn: line('warn'), error: line('error') };
}
