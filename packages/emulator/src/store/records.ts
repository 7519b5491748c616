import type { DatabaseSync } from 'node:sqlite';
import { makeId } from '../ids.ts';
import type { Catalog } from '../metadata/catalog.ts';
import type { FieldMeta, ObjectMeta } from '../metadata/types.ts';
import { nextSequence, quoteIdent, transaction } from './database.ts';
import { type StoredValue, storageDatetime } from './values.ts';

export interface WriteContext {
  /** The running user: creator, modifier and default owner. */
  userId: string;
  now: Date;
}

function autoNumber(db: DatabaseSync, object: ObjectMeta, field: FieldMeta): string {
  const n = nextSequence(db, `${object.name}.${field.name}`);
  const width = /\{(0+)\}/.exec(field.displayFormat ?? '{0}')?.[1]?.length ?? 1;
  return (field.displayFormat ?? '{0}').replace(/\{0+\}/, String(n).padStart(width, '0'));
}

/**
 * Formulas in the catalogue are boolean tests of one field: `Field = 'value'` (Case.IsClosed) or
 * `Field IN ('a', 'b')` (Opportunity.IsClosed), compared case-insensitively as picklists are.
 */
export function evaluateFormula(formula: string, row: Record<string, StoredValue>): boolean {
  const match = /^(\w+) (=|IN) (.+)$/.exec(formula);
  if (!match?.[1] || !match[3]) throw new Error(`Unsupported formula: ${formula}`);
  const values = [...match[3].matchAll(/'([^']*)'/g)].map((m) => (m[1] ?? '').toLowerCase());
  return values.includes(String(row[match[1]] ?? '').toLowerCase());
}

/** Fields whose values the database derives: compound names and simple formulas. */
export function applyDerivedFields(object: ObjectMeta, row: Record<string, StoredValue>): void {
  for (const field of object.fields) {
    if (field.compound) {
      row[field.name] = field.compound
        .map((part) => row[part])
        .filter((v) => v !== null && v !== undefined && v !== '')
        .join(' ');
    } else if (field.formula) {
      row[field.name] = evaluateFormula(field.formula, row) ? 1 : 0;
    }
  }
}

/**
 * Inserts one row with Salesforce's system fields set: Id, audit fields, owner, defaults and
 * auto-numbers. Values must already be in storage form; validation is the caller's job.
 * Returns the new row as stored.
 */
export function insertRow(
  db: DatabaseSync,
  catalog: Catalog,
  object: ObjectMeta,
  values: Record<string, StoredValue>,
  ctx: WriteContext,
): Record<string, StoredValue> {
  return transaction(db, () => {
    const now = storageDatetime(ctx.now);
    const row: Record<string, StoredValue> = {};
    for (const field of object.fields) {
      if (field.defaultValue !== null && field.defaultValue !== '') {
        row[field.name] =
          typeof field.defaultValue === 'boolean' ? Number(field.defaultValue) : field.defaultValue;
      } else if (field.type === 'boolean') {
        row[field.name] = 0;
      }
    }
    Object.assign(row, values);
    for (const field of object.fields) {
      if (field.autoNumber) row[field.name] = autoNumber(db, object, field);
    }
    row.Id = makeId(object.keyPrefix, nextSequence(db, `id.${object.keyPrefix}`));
    row.IsDeleted = 0;
    row.CreatedDate = now;
    row.LastModifiedDate = now;
    row.SystemModstamp = now;
    row.CreatedById = ctx.userId;
    row.LastModifiedById = ctx.userId;
    if (object.ownerTypes.length > 0 && !row.OwnerId) row.OwnerId = ctx.userId;
    applyDerivedFields(object, row);
    const names = Object.keys(row).filter((name) => catalog.field(object, name));
    db.prepare(
      `INSERT INTO ${quoteIdent(object.name)} (${names.map(quoteIdent).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    ).run(...names.map((n) => row[n] ?? null));
    return row;
  });
}
