import type { FieldChange, WriteAction } from './types.ts';

/** At most this many changes are spelled out; the rest are counted. */
const MAX_SPELLED_OUT = 5;
/** Longer values are cut, so that a summary stays one sentence a person can listen to. */
const MAX_VALUE_LENGTH = 60;

/**
 * `Case` → `case`, `CaseComment` → `case comment`, `Widget__c` stays `Widget__c` (custom objects
 * have no words to split, and their labels are the operations layer's to give).
 */
export function objectWords(apiName: string): string {
  if (apiName.includes('__')) return apiName;
  return apiName
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'empty';
  if (typeof value === 'string') {
    const oneLine = value.replace(/\s+/g, ' ').trim();
    const cut = oneLine.length > MAX_VALUE_LENGTH ? `${oneLine.slice(0, MAX_VALUE_LENGTH - 1)}…` : oneLine;
    // Single words read well bare ("from New to Escalated"); anything else is quoted so that the
    // sentence's own commas and colons cannot be confused with the value's.
    return /^[\p{L}\p{N}_.@+-]+$/u.test(cut) ? cut : `"${cut}"`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? String(value);
}

function describeChange(action: WriteAction, change: FieldChange): string {
  if (action === 'create') return `${change.field} ${formatValue(change.after)}`;
  return `${change.field} from ${formatValue(change.before)} to ${formatValue(change.after)}`;
}

function list(parts: string[]): string {
  return parts.join(', ');
}

/**
 * One sentence a model can read to a person before asking for confirmation, e.g.
 * "Update case 00001104: Status from New to Escalated." or "Delete case 00001104."
 */
export function summarize(input: {
  action: WriteAction;
  object: string;
  objectLabel?: string;
  recordId?: string;
  recordLabel?: string;
  changes: readonly FieldChange[];
}): string {
  const label = input.objectLabel ?? objectWords(input.object);
  const record = input.recordLabel ?? input.recordId ?? '';
  const spelled = input.changes.slice(0, MAX_SPELLED_OUT).map((c) => describeChange(input.action, c));
  const more = input.changes.length - spelled.length;
  if (more > 0) spelled.push(`and ${more} more field${more === 1 ? '' : 's'}`);
  switch (input.action) {
    case 'create': {
      const article = /^[aeiou]/i.test(label) ? 'an' : 'a';
      return spelled.length > 0
        ? `Create ${article} ${label}: ${list(spelled)}.`
        : `Create ${article} ${label}.`;
    }
    case 'update':
      return spelled.length > 0
        ? `Update ${label} ${record}: ${list(spelled)}.`
        : `Update ${label} ${record} (no field changes).`;
    case 'delete':
      return `Delete ${label} ${record}.`;
  }
}
