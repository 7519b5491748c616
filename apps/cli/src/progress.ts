import type { BulkProgress } from '@sfgql/soql/bulk';

/** Where progress is drawn: a stream that may be a terminal (stderr). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * A progress bar for an export, on `stream` (stderr, so that data on stdout stays clean): redrawn
 * in place on a terminal, a few lines otherwise (the job's states, each quarter, the end). It shows
 * the records written and the job's total, once Salesforce knows it.
 */
export function createProgressBar(
  stream: ProgressStream,
  label: string,
  now: () => number = () => performance.now(),
) {
  const started = now();
  let lastState = '';
  let lastQuarter = -1;
  let drawn = false;
  const seconds = () => (now() - started) / 1000;
  return {
    update({ state, done, total }: BulkProgress) {
      if (total === null) {
        if (state === lastState) return;
        lastState = state;
        if (stream.isTTY) {
          stream.write(`\r\x1b[K${label}: query job ${state}, waiting for Salesforce…`);
          drawn = true;
        } else stream.write(`${label}: query job ${state}\n`);
        return;
      }
      const ratio = total === 0 ? 1 : Math.min(1, done / total);
      if (stream.isTTY) {
        const rate = seconds() > 0 ? Math.round(done / seconds()) : 0;
        const text = `${Math.floor(ratio * 100)}% ${count(done)}/${count(total)} records${done > 0 ? ` (${count(rate)}/s)` : ''}`;
        const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - text.length - 6));
        const filled = Math.round(ratio * width);
        stream.write(`\r\x1b[K${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`);
        drawn = true;
        return;
      }
      const quarter = Math.floor(ratio * 4);
      if (quarter === lastQuarter) return;
      lastQuarter = quarter;
      stream.write(`${label}: ${Math.floor(ratio * 100)}% ${count(done)}/${count(total)} records\n`);
    },
    /** Ends the line redrawn in place, so that what is written next (an error) starts its own. */
    interrupt() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
    /** The closing line: how many records, and how long it took. */
    finish(done: number) {
      this.interrupt();
      stream.write(`${label}: ${count(done)} records exported in ${seconds().toFixed(1)} s\n`);
    },
  };
}
