import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FieldChange, WriteAction } from './types.ts';

/** A pino-compatible logger (pino, or anything with `info(obj, msg)`). */
export interface AuditLogger {
  info(obj: object, msg?: string): void;
  error?(obj: object, msg?: string): void;
}

/** How the write ended. */
export type AuditOutcome =
  /** Salesforce accepted it. */
  | { status: 'written' }
  | {
      /** `refused`: nothing was written; `unknown`: no answer came, it may have been written. */
      status: 'refused' | 'unknown';
      /**
       * Salesforce's errorCode when Salesforce refused the write, `CONFIRMATION_STALE` when the
       * record had changed since the preview, else the project's error code.
       */
      errorCode: string;
    };

/**
 * One write that ran: who, which operation, the record, before and after, the token's id and the
 * outcome. Never contains the token or any secret: the token is identified by its id (the `jti`
 * nonce), which cannot be turned back into a token.
 */
export interface AuditEntry {
  /** ISO 8601, when the write finished. */
  time: string;
  principal: { userId: string; orgId: string };
  client: string;
  operation: string;
  action: WriteAction;
  object: string;
  /** The record written: the id given for update and delete, the new id for a create. */
  recordId: string | null;
  /** Each field before and after, as the write observed them (or as previewed). */
  changes: FieldChange[];
  outcome: AuditOutcome;
  /** The confirmation token's id; null when the client's policy let this write run unconfirmed. */
  tokenId: string | null;
}

/** Where audit entries go. */
export interface AuditTrail {
  /** Appends the entry as one JSON line and passes it to the logger. Never rejects. */
  record(entry: AuditEntry): Promise<void>;
  /** Waits for pending lines and closes the file. */
  close(): Promise<void>;
}

/**
 * An audit trail: each entry becomes one JSON line appended to `file` (created with mode 0600,
 * since it holds record data) and/or is passed to `logger.info` (the log stream). Lines are written
 * one at a time through a queue, each in one append (`O_APPEND`), so neither concurrent writes of
 * this process nor those of other processes appending to the same file interleave within a line.
 *
 * Recording happens after the Salesforce write, so a failure to record must not turn a write that
 * happened into an error the caller would retry: it is reported to `logger.error` (or
 * `onError`) instead.
 */
export function createAuditTrail(options: {
  file?: string;
  logger?: AuditLogger;
  onError?: (error: unknown, entry: AuditEntry) => void;
}): AuditTrail {
  let handle: Promise<FileHandle> | undefined;
  let queue: Promise<void> = Promise.resolve();

  function fileHandle(file: string): Promise<FileHandle> {
    if (!handle) {
      const opening = mkdir(dirname(file), { recursive: true }).then(() => open(file, 'a', 0o600));
      // A failed open is retried by the next line rather than remembered forever.
      opening.catch(() => {
        if (handle === opening) handle = undefined;
      });
      handle = opening;
    }
    return handle;
  }

  function report(error: unknown, entry: AuditEntry) {
    if (options.onError) options.onError(error, entry);
    else if (options.logger?.error) {
      options.logger.error({ err: error, audit: entry }, 'Could not append to the audit file');
    } else console.error('[sfgql/confirm] could not append to the audit file', error);
  }

  return {
    record(entry) {
      const line = `${JSON.stringify(entry)}\n`;
      try {
        options.logger?.info(
          { audit: entry },
          `audit: ${entry.action} ${entry.object} ${entry.recordId ?? ''}`.trim(),
        );
      } catch (error) {
        report(error, entry);
      }
      const { file } = options;
      if (!file) return Promise.resolve();
      queue = queue
        .then(async () => {
          // One write of the whole line to a file opened for appending (O_APPEND): the kernel puts
          // it at the end in one piece, also when another process appends to the same file.
          const handle = await fileHandle(file);
          const bytes = Buffer.from(line, 'utf8');
          let written = 0;
          while (written < bytes.length) {
            written += (await handle.write(bytes, written, bytes.length - written)).bytesWritten;
          }
        })
        .catch((error: unknown) => report(error, entry));
      return queue;
    },
    async close() {
      await queue;
      if (handle) {
        const opened = handle;
        handle = undefined;
        await (await opened).close();
      }
    },
  };
}
