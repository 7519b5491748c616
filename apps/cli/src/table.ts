/** A value as a table shows it: text as is, null as nothing, anything else as JSON. */
function cell(value: unknown, max: number): string {
  const text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Rows as a plain-text table for a terminal: a header, a rule, one line per row, each column as
 * wide as its widest cell (at most `maxWidth` characters; longer values are cut with `…`).
 */
export function formatTable(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  maxWidth = 60,
): string {
  const cells = rows.map((row) => columns.map((_, i) => cell(row[i], maxWidth)));
  const widths = columns.map((name, i) =>
    Math.max(name.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
