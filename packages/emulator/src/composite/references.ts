/**
 * Composite references: `@{refAccount.id}`, `@{refQuery.records[0].Id}`, `@{refContact.Account.Name}`
 * in a subrequest's url and body name a value of an earlier subrequest's response body.
 */

/** A reference that names no value: Salesforce halts the subrequest with PROCESSING_HALTED. */
export class BrokenReference extends Error {
  override name = 'BrokenReference';
}

const REFERENCE = /@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g;

/** What earlier subrequests answered: their bodies, and whether they succeeded. */
export type Outcomes = Map<string, { ok: boolean; body: unknown }>;

function lookup(outcomes: Outcomes, referenceId: string, path: string, expression: string): unknown {
  // (unconfirmed) the exact wording; the start of it is Salesforce's.
  const broken = () =>
    new BrokenReference(`Invalid reference specified. No value for ${expression} found in ${referenceId}.`);
  const outcome = outcomes.get(referenceId);
  if (!outcome?.ok) throw broken();
  let value: unknown = outcome.body;
  for (const step of path.matchAll(/\.([A-Za-z0-9_]+)|\[(\d+)\]/g)) {
    if (step[1] !== undefined) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw broken();
      const record = value as Record<string, unknown>;
      const key =
        step[1] in record
          ? step[1]
          : Object.keys(record).find((k) => k.toLowerCase() === step[1]?.toLowerCase());
      if (key === undefined) throw broken();
      value = record[key];
    } else {
      if (!Array.isArray(value)) throw broken();
      value = value[Number(step[2])];
    }
    if (value === undefined) throw broken();
  }
  if (path === '' || value === undefined) throw broken();
  return value;
}

/** The referenceIds a text names. */
export function referencesIn(text: string): string[] {
  return [...text.matchAll(REFERENCE)].map((m) => m[1] as string);
}

/**
 * Replaces the references in a string. A string that is exactly one reference takes the value
 * itself (a number stays a number); inside longer text a value is written as text.
 */
export function resolveString(text: string, outcomes: Outcomes): unknown {
  const whole = new RegExp(`^${REFERENCE.source}$`).exec(text);
  if (whole) return lookup(outcomes, whole[1] as string, whole[2] ?? '', text.slice(2, -1));
  return text.replace(REFERENCE, (match, id: string, path: string) => {
    const value = lookup(outcomes, id, path, match.slice(2, -1));
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  });
}

/** Replaces the references anywhere in a JSON body. */
export function resolveBody(body: unknown, outcomes: Outcomes): unknown {
  if (typeof body === 'string') return resolveString(body, outcomes);
  if (Array.isArray(body)) return body.map((item) => resolveBody(item, outcomes));
  if (body !== null && typeof body === 'object') {
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, resolveBody(v, outcomes)]));
  }
  return body;
}
