import { ApiError, notFound } from '../errors.ts';
import { normalizeId } from '../ids.ts';
import type { Catalog } from '../metadata/catalog.ts';
import type { FieldMeta, ObjectMeta } from '../metadata/types.ts';
import type { Org } from '../org.ts';
import { quoteIdent, statement, transaction } from '../store/database.ts';
import {
  applyDerivedFields,
  getRow,
  markDeleted,
  newRow,
  updateRow,
  type WriteContext,
} from '../store/records.ts';
import type { StoredValue } from '../store/values.ts';
import { MIRRORS, type SpecialContext, specialFor } from './specials.ts';
import {
  checkReferences,
  checkRequired,
  checkUnique,
  convertInput,
  convertValue,
  type FieldInput,
} from './validate.ts';

type Row = Record<string, StoredValue>;

/** Who writes, and when. */
export interface DmlContext {
  userId: string;
  now: Date;
}

/** The access a user's credentials grant: `full` writes, `read` only reads. */
export type Access = 'full' | 'read';

export function userAccess(org: Org, userId: string): Access {
  const row = statement(org.db, 'SELECT access FROM _credentials WHERE userId = ?').get(userId) as
    | { access: string }
    | undefined;
  return row?.access === 'read' ? 'read' : 'full';
}

/**
 * A read-only user's write fails as a DML error: Salesforce reports it with HTTP 400 and
 * INSUFFICIENT_ACCESS_OR_READONLY (not 403, which the REST API keeps for limits and disabled APIs).
 * The wording is Salesforce's generic one (unconfirmed for each operation).
 */
function assertCanWrite(org: Org, userId: string, id?: string): void {
  if (userAccess(org, userId) === 'full') return;
  throw new ApiError(
    400,
    'INSUFFICIENT_ACCESS_OR_READONLY',
    id
      ? 'insufficient access rights on object id'
      : 'You do not have the level of access necessary to perform the operation you requested. Please contact the owner of the record or your administrator if access is necessary.',
    [],
  );
}

/** INVALID_TYPE_FOR_OPERATION for objects that cannot be written through the API (KnowledgeArticleVersion). */
function assertObjectAllows(object: ObjectMeta, operation: 'insert' | 'update' | 'delete'): void {
  const allowed =
    operation === 'insert'
      ? object.createable
      : operation === 'update'
        ? object.updateable
        : object.deletable;
  if (!allowed) {
    throw new ApiError(
      400,
      'INVALID_TYPE_FOR_OPERATION',
      `entity type ${object.name} does not support ${operation}`,
      [],
    );
  }
}

/**
 * The record a URL names. A segment that is not an Id at all is read, as Salesforce reads it, as an
 * external id field name that does not exist (404); an Id of another object's type is MALFORMED_ID;
 * an unknown Id is NOT_FOUND; a deleted one ENTITY_IS_DELETED.
 */
export function findRecord(org: Org, object: ObjectMeta, rawId: string, method: string): Row {
  const id = normalizeId(rawId);
  if (!id || (id.slice(0, 3) !== object.keyPrefix && method === 'GET')) {
    throw new ApiError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${rawId}`,
    );
  }
  if (id.slice(0, 3) !== object.keyPrefix) {
    throw new ApiError(400, 'MALFORMED_ID', `${object.label} ID: id value of incorrect type: ${rawId}`, [
      'Id',
    ]);
  }
  const row = getRow(org.db, object, id);
  if (!row) throw notFound();
  if (row.IsDeleted) throw new ApiError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  return row;
}

const writeContext = (ctx: DmlContext): WriteContext => ({ userId: ctx.userId, now: ctx.now });

function insertPrepared(org: Org, object: ObjectMeta, row: Row): void {
  const names = Object.keys(row).filter((name) => org.catalog.field(object, name));
  statement(
    org.db,
    `INSERT INTO ${quoteIdent(object.name)} (${names.map(quoteIdent).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
  ).run(...names.map((n) => row[n] ?? null));
}

/** Owners must be active users (or, where the object allows it, queues). */
function checkOwner(org: Org, row: Row): void {
  const ownerId = row.OwnerId;
  if (typeof ownerId !== 'string' || !ownerId.startsWith('005')) return;
  const owner = statement(org.db, 'SELECT "IsActive" FROM "User" WHERE "Id" = ?').get(ownerId) as
    | { IsActive: number }
    | undefined;
  if (owner && !owner.IsActive) {
    throw new ApiError(400, 'INACTIVE_OWNER_OR_USER', 'operation performed with inactive user as owner', [
      'OwnerId',
    ]);
  }
}

/**
 * Creates one record as `POST /sobjects/X` does: validation, defaults, derived fields and the
 * object's specials, all in one transaction, so that a failure writes nothing.
 */
export function createRecord(org: Org, object: ObjectMeta, input: FieldInput, ctx: DmlContext): string {
  assertObjectAllows(object, 'insert');
  assertCanWrite(org, ctx.userId);
  return transaction(org.db, () => {
    const values = convertInput(org, object, input, 'create');
    const row = newRow(org.db, object, values, writeContext(ctx));
    checkRequired(object, row, 'create', values);
    checkOwner(org, row);
    const s: SpecialContext = { org, ctx: writeContext(ctx) };
    const special = specialFor(object);
    special?.before?.(s, row, undefined);
    applyDerivedFields(object, row);
    checkUnique(org, object, row);
    insertPrepared(org, object, row);
    special?.after?.(s, row, undefined);
    return row.Id as string;
  });
}

/** Updates one record as `PATCH /sobjects/X/{id}` does. */
export function updateRecord(
  org: Org,
  object: ObjectMeta,
  rawId: string,
  input: FieldInput,
  ctx: DmlContext,
): void {
  assertObjectAllows(object, 'update');
  transaction(org.db, () => {
    const existing = findRecord(org, object, rawId, 'PATCH');
    assertCanWrite(org, ctx.userId, existing.Id as string);
    applyUpdate(org, object, existing, convertInput(org, object, input, 'update'), ctx);
  });
}

function applyUpdate(org: Org, object: ObjectMeta, existing: Row, values: Row, ctx: DmlContext): void {
  checkRequired(object, { ...existing, ...values }, 'update', values);
  const row: Row = { ...existing, ...values };
  checkOwner(org, row);
  const s: SpecialContext = { org, ctx: writeContext(ctx) };
  const special = specialFor(object);
  special?.before?.(s, row, existing);
  applyDerivedFields(object, row);
  checkUnique(org, object, row);
  const changed: Row = {};
  for (const field of object.fields)
    if (row[field.name] !== existing[field.name]) changed[field.name] = row[field.name] ?? null;
  const stored = updateRow(org.db, object, existing, changed, writeContext(ctx));
  special?.after?.(s, stored, existing);
}

/** The result of an upsert: a created or updated record, or the records that all matched. */
export type UpsertResult = { id: string; created: boolean } | { multiple: string[] };

/**
 * `PATCH /sobjects/X/{Field}/{value}`: updates the one record whose external id (or idLookup field)
 * equals the value, creates one when none does, and reports every match when several do.
 */
export function upsertRecord(
  org: Org,
  object: ObjectMeta,
  fieldName: string,
  rawValue: string,
  input: FieldInput,
  ctx: DmlContext,
): UpsertResult {
  const field = org.catalog.field(object, fieldName);
  if (!field || !(field.externalId || field.idLookup)) {
    throw new ApiError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${fieldName}`,
    );
  }
  if (field.name === 'Id') {
    updateRecord(org, object, rawValue, input, ctx);
    return { id: normalizeId(rawValue) as string, created: false };
  }
  // The value in the URL wins over one in the body.
  const body = Object.fromEntries(
    Object.entries(input.value).filter(([key]) => key.toLowerCase() !== field.name.toLowerCase()),
  );
  return transaction(org.db, () => {
    const matches = upsertMatches(org, object, field, rawValue);
    if (matches.length > 1) return { multiple: matches.map((m) => m.Id) };
    const match = matches[0];
    if (match) {
      assertObjectAllows(object, 'update');
      const existing = findRecord(org, object, match.Id, 'PATCH');
      assertCanWrite(org, ctx.userId, match.Id);
      applyUpdate(org, object, existing, convertInput(org, object, { ...input, value: body }, 'update'), ctx);
      return { id: match.Id, created: false };
    }
    const id = createRecord(org, object, { ...input, value: { ...body, [field.name]: rawValue } }, ctx);
    return { id, created: true };
  });
}

/** The live records whose external id (or idLookup field) equals a value, at most 200. */
export function upsertMatches(
  org: Org,
  object: ObjectMeta,
  field: FieldMeta,
  rawValue: string,
): { Id: string }[] {
  return statement(
    org.db,
    `SELECT "Id" FROM ${quoteIdent(object.name)} WHERE ${quoteIdent(field.name)} = ? AND "IsDeleted" = 0 LIMIT 200`,
  ).all(convertValue(field, rawValue)) as { Id: string }[];
}

interface Reference {
  object: ObjectMeta;
  field: FieldMeta;
}

const referenceIndexes = new WeakMap<Catalog, Map<string, Reference[]>>();

/** Every reference field that can point at each object, polymorphic ones included. */
function referencesTo(catalog: Catalog, target: ObjectMeta): Reference[] {
  let index = referenceIndexes.get(catalog);
  if (!index) {
    index = new Map();
    for (const object of catalog.objects) {
      for (const field of object.fields) {
        if (field.type !== 'reference' || field.name === 'CreatedById' || field.name === 'LastModifiedById')
          continue;
        for (const name of field.referenceTo) {
          const list = index.get(name) ?? [];
          list.push({ object, field });
          index.set(name, list);
        }
      }
    }
    referenceIndexes.set(catalog, index);
  }
  return index.get(target.name) ?? [];
}

function displayName(object: ObjectMeta, row: Row): string {
  const nameField = object.fields.find((f) => f.nameField);
  return String((nameField && row[nameField.name]) ?? row.Id);
}

/**
 * Deletes one record as `DELETE /sobjects/X/{id}` does: to the Recycle Bin, with the children that
 * go with it (contacts and opportunities with their account, activities with what they relate to,
 * line items with their opportunity, ...). Lookups from records that stay are cleared. A record that
 * cases still point at cannot be deleted (DELETE_FAILED), as in Salesforce.
 */
export function deleteRecord(
  org: Org,
  object: ObjectMeta,
  rawId: string,
  ctx: DmlContext,
): { object: ObjectMeta; id: string }[] {
  assertObjectAllows(object, 'delete');
  return transaction(org.db, () => {
    const root = findRecord(org, object, rawId, 'DELETE');
    assertCanWrite(org, ctx.userId, root.Id as string);
    const doomed = new Map<string, { object: ObjectMeta; row: Row }>([
      [root.Id as string, { object, row: root }],
    ]);
    const clear: { reference: Reference; id: string }[] = [];
    const restricted: { reference: Reference; parent: { object: ObjectMeta; row: Row }; child: Row }[] = [];
    const queue = [{ object, row: root }];
    for (let item = queue.shift(); item; item = queue.shift()) {
      const id = item.row.Id as string;
      const mirrorName = MIRRORS[item.object.name];
      const mirror = mirrorName ? org.catalog.object(mirrorName) : undefined;
      const twin = mirror && getRow(org.db, mirror, id);
      if (mirror && twin && !twin.IsDeleted && !doomed.has(`${mirror.name}:${id}`)) {
        doomed.set(`${mirror.name}:${id}`, { object: mirror, row: twin });
        queue.push({ object: mirror, row: twin });
      }
      for (const reference of referencesTo(org.catalog, item.object)) {
        const children = statement(
          org.db,
          `SELECT * FROM ${quoteIdent(reference.object.name)} WHERE ${quoteIdent(reference.field.name)} = ? AND "IsDeleted" = 0`,
        ).all(id) as Row[];
        for (const child of children) {
          const childId = child.Id as string;
          if (reference.field.cascadeDelete) {
            if (!doomed.has(childId)) {
              doomed.set(childId, { object: reference.object, row: child });
              queue.push({ object: reference.object, row: child });
            }
          } else if (reference.field.restrictedDelete) {
            restricted.push({ reference, parent: item, child });
          } else if (reference.field.name !== 'OwnerId') {
            clear.push({ reference, id: childId });
          }
        }
      }
    }
    const blocking = restricted.filter((r) => !doomed.has(r.child.Id as string));
    const first = blocking[0];
    if (first) {
      const names = [...new Set(blocking.map((r) => displayName(r.reference.object, r.child)))].join(', ');
      // Worded after Salesforce's message for an account or contact that has cases (unconfirmed).
      throw new ApiError(
        400,
        'DELETE_FAILED',
        `Your attempt to delete ${displayName(first.parent.object, first.parent.row)} could not be completed because it is associated with the following ${first.reference.object.labelPlural.toLowerCase()}.: ${names}`,
        [],
      );
    }
    const wctx = writeContext(ctx);
    for (const { object: target, row } of doomed.values()) {
      markDeleted(org.db, target, row.Id as string, wctx);
      specialFor(target)?.deleted?.({ org, ctx: wctx }, row);
    }
    for (const { reference, id } of clear) {
      if (doomed.has(id)) continue;
      statement(
        org.db,
        `UPDATE ${quoteIdent(reference.object.name)} SET ${quoteIdent(reference.field.name)} = NULL WHERE "Id" = ?`,
      ).run(id);
    }
    return [...doomed.values()].map(({ object: target, row }) => ({ object: target, id: row.Id as string }));
  });
}

/**
 * Deletes one record and what goes with it for good, bypassing the Recycle Bin (Bulk API's
 * `hardDelete`): they cannot be undeleted, and queryAll no longer sees them.
 */
export function hardDeleteRecord(org: Org, object: ObjectMeta, rawId: string, ctx: DmlContext): void {
  transaction(org.db, () => {
    for (const { object: target, id } of deleteRecord(org, object, rawId, ctx)) {
      statement(org.db, `DELETE FROM ${quoteIdent(target.name)} WHERE "Id" = ?`).run(id);
      statement(org.db, 'DELETE FROM _deleted WHERE id = ?').run(id);
    }
  });
}

export { checkReferences };
