/**
 * sObject Tree (`POST /composite/tree/{object}`): up to 200 records in trees of parents and
 * children (nested under a child relationship name: `"Contacts": {"records": [...]}`), each with a
 * `referenceId`, created all or none.
 *
 * Salesforce creates them level by level (every root, then every second-level record, ...), each
 * record through the same validation as `POST /sobjects/X`, and sets each child's lookup to its
 * parent. A record that fails rolls everything back; the answer then lists only the records that
 * failed, with their errors. The body is read (and refused) before anything is written: an unknown
 * field or child relationship is a request error (INVALID_FIELD, as the Salesforce CLI expects),
 * other problems with a record are reported for its referenceId as INVALID_INPUT.
 */
import { createRecord, type DmlContext } from '../dml/dml.ts';
import { noSuchColumn } from '../dml/validate.ts';
import { ApiError } from '../errors.ts';
import type { ObjectMeta } from '../metadata/types.ts';
import type { Org } from '../org.ts';
import { savepoint } from './collections.ts';

/** Salesforce's limits: records in all trees, levels, and object types. */
export const MAX_TREE_RECORDS = 200;
const MAX_TREE_DEPTH = 5;
const MAX_TREE_TYPES = 5;

interface TreeRecord {
  object: ObjectMeta;
  referenceId: string;
  fields: Record<string, unknown>;
  parent: TreeRecord | null;
  /** The child's lookup to its parent (`AccountId` under `Contacts`). */
  parentField: string | null;
  level: number;
  id?: string;
}

/** A tree result entry: a created record, or one that failed. */
export type TreeResult =
  | { referenceId: string; id: string }
  | { referenceId: string; errors: { statusCode: string; message: string; fields: string[] }[] };

/** The answer: 201 with every record's id, or 400 with the records that failed. */
export interface TreeResponse {
  status: 201 | 400;
  body: { hasErrors: boolean; results: TreeResult[] };
}

class RecordProblem extends Error {
  readonly referenceId: string;
  constructor(referenceId: string, message: string) {
    super(message);
    this.referenceId = referenceId;
  }
}

const parserError = (message: string) => new ApiError(400, 'JSON_PARSER_ERROR', message);

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Reads the trees of a request body into a flat list of records, checking every rule first. */
function readTrees(org: Org, root: ObjectMeta, body: Record<string, unknown>): TreeRecord[] {
  const all: TreeRecord[] = [];
  const seen = new Set<string>();
  const visit = (
    records: unknown,
    expected: ObjectMeta,
    parent: TreeRecord | null,
    parentField: string | null,
    level: number,
  ) => {
    if (!Array.isArray(records)) {
      throw parserError(
        'Cannot deserialize instance of `SObjectTreeRequest` from a non-array value: records must be an array',
      );
    }
    for (const entry of records) {
      if (!isObject(entry))
        throw parserError('Cannot deserialize instance of `SObject` from a non-object value');
      const attributes = isObject(entry.attributes) ? entry.attributes : {};
      const referenceId = attributes.referenceId;
      if (typeof referenceId !== 'string' || !/^[A-Za-z0-9_]+$/.test(referenceId)) {
        // (unconfirmed) wording.
        throw new ApiError(400, 'INVALID_INPUT', 'Include a reference ID for each record in the request.');
      }
      if (seen.has(referenceId)) {
        throw new RecordProblem(referenceId, `Duplicate ReferenceId provided in the request: ${referenceId}`);
      }
      seen.add(referenceId);
      const typeName = attributes.type;
      const object = typeof typeName === 'string' ? org.catalog.object(typeName) : undefined;
      if (!object) {
        throw new RecordProblem(
          referenceId,
          `Invalid entity type provided in the request: ${String(typeName)}`,
        );
      }
      if (object !== expected) {
        // (unconfirmed) wording.
        throw new RecordProblem(
          referenceId,
          `The record type ${object.name} does not match ${expected.name}`,
        );
      }
      if (level > MAX_TREE_DEPTH) {
        // (unconfirmed) wording.
        throw new RecordProblem(referenceId, `sObject trees can be at most ${MAX_TREE_DEPTH} levels deep`);
      }
      const record: TreeRecord = { object, referenceId, fields: {}, parent, parentField, level };
      all.push(record);
      for (const [key, value] of Object.entries(entry)) {
        if (key === 'attributes') continue;
        if (org.catalog.field(object, key)) {
          record.fields[key] = value;
          continue;
        }
        const relationship = org.catalog.childRelationship(object, key);
        const child = relationship ? org.catalog.object(relationship.childSObject) : undefined;
        if (!relationship || !child) throw noSuchColumn(key, object);
        if (!isObject(value)) {
          throw parserError(
            `Cannot deserialize instance of \`SObjectTreeRequest\` for ${key}: expected {"records": [...]}`,
          );
        }
        visit(value.records, child, record, relationship.field, level + 1);
      }
    }
  };
  visit(body.records, root, null, null, 1);
  if (all.length > MAX_TREE_RECORDS) {
    // (unconfirmed) code and wording.
    throw new ApiError(
      400,
      'LIMIT_EXCEEDED',
      `An sObject tree request can contain at most ${MAX_TREE_RECORDS} records`,
    );
  }
  const types = new Set(all.map((r) => r.object));
  if (types.size > MAX_TREE_TYPES) {
    // (unconfirmed) code and wording.
    throw new ApiError(
      400,
      'LIMIT_EXCEEDED',
      `An sObject tree request can contain at most ${MAX_TREE_TYPES} object types`,
    );
  }
  return all;
}

/** Creates the trees of a request body, all or none. */
export function createTrees(
  org: Org,
  root: ObjectMeta,
  body: Record<string, unknown>,
  ctx: DmlContext,
): TreeResponse {
  let records: TreeRecord[];
  try {
    records = readTrees(org, root, body);
  } catch (error) {
    if (!(error instanceof RecordProblem)) throw error;
    return failed([
      {
        referenceId: error.referenceId,
        errors: [{ statusCode: 'INVALID_INPUT', message: error.message, fields: [] }],
      },
    ]);
  }
  const failures: TreeResult[] = [];
  const created: TreeResult[] = [];
  try {
    savepoint(org, () => {
      const depth = Math.max(...records.map((r) => r.level));
      for (let level = 1; level <= depth; level++) {
        for (const record of records.filter((r) => r.level === level)) {
          const fields = { ...record.fields };
          if (record.parent && record.parentField) fields[record.parentField] = record.parent.id;
          try {
            record.id = savepoint(org, () => createRecord(org, record.object, { value: fields }, ctx));
            created.push({ referenceId: record.referenceId, id: record.id });
          } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            failures.push({
              referenceId: record.referenceId,
              errors: [{ statusCode: error.errorCode, message: error.message, fields: error.fields ?? [] }],
            });
          }
        }
        // A level with a failure ends the request: undo everything.
        if (failures.length > 0) throw new TreeRolledBack();
      }
    });
  } catch (error) {
    if (error instanceof TreeRolledBack) return failed(failures);
    throw error;
  }
  return { status: 201, body: { hasErrors: false, results: created } };
}

class TreeRolledBack extends Error {}

const failed = (results: TreeResult[]): TreeResponse => ({ status: 400, body: { hasErrors: true, results } });
