import type { DatabaseSync } from 'node:sqlite';
import { makeId } from '../ids.ts';
import type { Catalog } from '../metadata/catalog.ts';
import { type FieldMeta, isVirtualCompound, type ObjectMeta } from '../metadata/types.ts';
import { nextSequence, quoteIdent, statement, transaction } from './database.ts';
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
    if (isVirtualCompound(field)) continue;
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

/** Options for {@link insertRow}. */
export interface InsertOptions {
  /** A preset Id (a ContentNote and its ContentDocument share one); otherwise the next of the prefix. */
  id?: string;
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
  options: InsertOptions = {},
): Record<string, StoredValue> {
  return transaction(db, () => {
    const row = newRow(db, object, values, ctx, options);
    const names = Object.keys(row).filter((name) => catalog.field(object, name));
    statement(
      db,
      `INSERT INTO ${quoteIdent(object.name)} (${names.map(quoteIdent).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    ).run(...names.map((n) => row[n] ?? null));
    return row;
  });
}

/** A complete new row (defaults, auto-numbers, system fields, derived fields), not yet stored. */
export function newRow(
  db: DatabaseSync,
  object: ObjectMeta,
  values: Record<string, StoredValue>,
  ctx: WriteContext,
  options: InsertOptions = {},
): Record<string, StoredValue> {
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
  for (const [name, value] of Object.entries(values)) {
    // A checkbox cannot be null: an explicit null leaves it at its default (unconfirmed).
    if (value === null && object.fields.find((f) => f.name === name)?.type === 'boolean') continue;
    row[name] = value;
  }
  for (const field of object.fields) {
    if (field.autoNumber) row[field.name] = autoNumber(db, object, field);
  }
  row.Id = options.id ?? makeId(object.keyPrefix, nextSequence(db, `id.${object.keyPrefix}`));
  row.IsDeleted = 0;
  row.CreatedDate = now;
  row.LastModifiedDate = now;
  row.SystemModstamp = now;
  row.CreatedById = ctx.userId;
  row.LastModifiedById = ctx.userId;
  if (object.ownerTypes.length > 0 && !row.OwnerId) row.OwnerId = ctx.userId;
  applyDerivedFields(object, row);
  return row;
}

/** One row by Id, deleted or not, as stored; undefined when there is none. */
export function getRow(
  db: DatabaseSync,
  object: ObjectMeta,
  id: string,
): Record<string, StoredValue> | undefined {
  return statement(db, `SELECT * FROM ${quoteIdent(object.name)} WHERE "Id" = ?`).get(id) as
    | Record<string, StoredValue>
    | undefined;
}

/**
 * Writes changed values to an existing row: derived fields are recomputed from the merged row and
 * the audit fields move on (LastModifiedDate, LastModifiedById, SystemModstamp), as every
 * Salesforce update does, even one that changes nothing. Returns the row as stored.
 */
export function updateRow(
  db: DatabaseSync,
  object: ObjectMeta,
  existing: Record<string, StoredValue>,
  values: Record<string, StoredValue>,
  ctx: WriteContext,
): Record<string, StoredValue> {
  const now = storageDatetime(ctx.now);
  const row: Record<string, StoredValue> = { ...existing, ...values };
  row.LastModifiedDate = now;
  row.SystemModstamp = now;
  row.LastModifiedById = ctx.userId;
  applyDerivedFields(object, row);
  const names = object.fields.map((f) => f.name).filter((n) => n !== 'Id' && row[n] !== existing[n]);
  if (names.length > 0) {
    statement(
      db,
      `UPDATE ${quoteIdent(object.name)} SET ${names.map((n) => `${quoteIdent(n)} = ?`).join(', ')} WHERE "Id" = ?`,
    ).run(...names.map((n) => row[n] ?? null), row.Id as string);
  }
  return row;
}

/** Moves a row to the Recycle Bin: IsDeleted = true, and a deletion date for `/deleted` and the purge. */
export function markDeleted(db: DatabaseSync, object: ObjectMeta, id: string, ctx: WriteContext): void {
  const now = storageDatetime(ctx.now);
  statement(
    db,
    `UPDATE ${quoteIdent(object.name)} SET "IsDeleted" = 1, "SystemModstamp" = ?, "LastModifiedById" = ? WHERE "Id" = ?`,
  ).run(now, ctx.userId, id);
  statement(db, 'INSERT OR REPLACE INTO _deleted (id, object, deletedAt) VALUES (?, ?, ?)').run(
    id,
    object.name,
    now,
  );
}

/** How long Salesforce keeps deleted records in the Recycle Bin before purging them. */
export const RECYCLE_BIN_DAYS = 15;

/**
 * Permanently removes records deleted more than 15 days before `now`, as the Recycle Bin does.
 * Returns how many rows were purged.
 */
export function purgeDeleted(db: DatabaseSync, catalog: Catalog, now: Date): number {
  const cutoff = storageDatetime(new Date(now.getTime() - RECYCLE_BIN_DAYS * 24 * 60 * 60 * 1000));
  return transaction(db, () => {
    const rows = statement(db, 'SELECT id, object FROM _deleted WHERE deletedAt < ?').all(cutoff) as {
      id: string;
      object: string;
    }[];
    for (const { id, object: objectName } of rows) {
      const object = catalog.object(objectName);
      if (object)
        statement(db, `DELETE FROM ${quoteIdent(object.name)} WHERE "Id" = ? AND "IsDeleted" = 1`).run(id);
    }
    statement(db, 'DELETE FROM _deleted WHERE deletedAt < ?').run(cutoff);
    return rows.length;
  });
}
