/**
 * GPT Actions refuse an answer of 100,000 characters or more (ChatGPT reports the action failed, and
 * the model usually calls it again). This leaves room for the note that says what was cut.
 */
export const MAX_RESPONSE_CHARS = 95_000;

/** A text is never cut below this: what is left of it still says what it is about. */
const MIN_KEPT_CHARS = 200;

/** How to read the rest of a text that was cut, if the operation can: `bodyOffset=60000`. */
export type ReadMore = (path: readonly (string | number)[], kept: number) => string | undefined;

const size = (value: unknown) => JSON.stringify(value).length;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every string in a value, with its path, longest first. */
function texts(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => texts(item, [...path, i]));
  if (isPlainObject(value))
    return Object.entries(value).flatMap(([key, item]) => texts(item, [...path, key]));
  return [];
}

/** A copy of `value` with the string at `path` replaced. */
function replaced(value: unknown, path: readonly (string | number)[], text: string): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return text;
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? replaced(item, rest, text) : item));
  if (isPlainObject(value)) return { ...value, [head]: replaced(value[head], rest, text) };
  return value;
}

/**
 * The length to cut texts down to so that `over` characters go: the highest level such that the
 * texts longer than it, cut to it, lose at least `over` (never below MIN_KEPT_CHARS).
 */
function levelFor(lengths: number[], over: number): number {
  const sorted = [...lengths].sort((a, b) => b - a);
  let sum = 0;
  for (const [i, length] of sorted.entries()) {
    sum += length;
    const next = sorted[i + 1] ?? MIN_KEPT_CHARS;
    // Cutting the first i + 1 texts down to `next` would lose sum - (i + 1) * next.
    if (sum - (i + 1) * next >= over) return Math.max(MIN_KEPT_CHARS, Math.floor((sum - over) / (i + 1)) - 1);
  }
  return MIN_KEPT_CHARS;
}

const pathName = (path: readonly (string | number)[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

const count = (n: number) => n.toLocaleString('en-US');

/**
 * An answer as it fits in a GPT Action. A list too long for one answer keeps its first records; then,
 * while the answer is still too long, its longest texts are cut, one field at a time, the longest
 * first. `truncated: true` and a `note` say what was cut and how to read the rest (`readMore`: the
 * operation's own way, such as a note's `bodyOffset`; otherwise Salesforce itself).
 */
export function fitForGpt(body: unknown, readMore: ReadMore = () => undefined): unknown {
  if (size(body) <= MAX_RESPONSE_CHARS || !isPlainObject(body)) return body;
  const notes: string[] = [];
  // Room for the note itself, which grows with each field it names.
  const target = () => MAX_RESPONSE_CHARS - 600 - notes.join(' ').length;
  let fitted: Record<string, unknown> = body;

  if (Array.isArray(body.records) && body.records.length > 1) {
    const all = body.records as unknown[];
    let used = size({ ...body, records: [] }) + 400;
    let kept = 0;
    for (const record of all) {
      used += size(record) + 1;
      if (used > MAX_RESPONSE_CHARS && kept > 0) break;
      kept++;
    }
    fitted = { ...body, records: all.slice(0, kept) };
    notes.push(
      `Only the first ${kept} of ${all.length} records fit in one answer: ask for fewer (limit), fewer fields, or narrow the search.`,
    );
  }

  const cut = new Map<string, { path: readonly (string | number)[]; total: number; kept: number }>();
  while (size(fitted) > target()) {
    const all = texts(fitted).filter((t) => t.text.length > MIN_KEPT_CHARS);
    if (all.length === 0) break;
    // The longest texts are cut down to one level, the highest that makes the answer fit: a text is
    // cut only if it is longer than the others, and no more than they are.
    const level = levelFor(
      all.map((t) => t.text.length),
      size(fitted) - target(),
    );
    for (const { path, text } of all) {
      if (text.length <= level) continue;
      const name = pathName(path);
      cut.set(name, { path, total: cut.get(name)?.total ?? text.length, kept: level });
      fitted = replaced(fitted, path, text.slice(0, level).toWellFormed()) as Record<string, unknown>;
    }
  }
  for (const [name, { path, total, kept }] of cut) {
    const more = readMore(path, kept);
    notes.push(
      `${name} is cut to its first ${count(kept)} of ${count(total)} characters: ${more ? `call again with ${more} for the rest` : 'the rest is in Salesforce, in the record itself'}.`,
    );
  }
  return { ...fitted, truncated: true, note: notes.join(' ') };
}
