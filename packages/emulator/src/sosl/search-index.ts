/**
 * The full-text index behind SOSL: one SQLite FTS5 table per searchable object, kept in step with
 * the object's table by triggers, so that no write path (DML, seeds, specials, purge, reset) can
 * forget it.
 *
 * Each index row has five columns, which are SOSL's search groups:
 * - `name`: the object's name fields (`Account.Name`, `Contact.Name`, `Case.CaseNumber`);
 * - `email`: its email fields;
 * - `phone`: its phone fields as written;
 * - `digits`: each phone number as digits only, plus its last ten and last seven digits, so that
 *   `(415) 555-0100`, `+1 415 555 0100` and `555-0100` find one another (Salesforce matches phone
 *   numbers by digits; the exact rules are unconfirmed);
 * - `other`: every other searchable text field (text, text area, URL, combobox). Picklists,
 *   references and numbers are not searchable, as in Salesforce;
 * - `body`: long text areas (over 1,000 characters: descriptions, article bodies), kept apart so
 *   that relevance can weigh a match there below one in a name or a short text.
 *
 * Relevance (the order of a search's records) is FTS5's bm25 with the columns weighed name >
 * email, phone > other > body: for a Knowledge article, Title above Summary above the body.
 * Knowledge articles are indexed with the Porter stemmer, as Salesforce's Knowledge search stems
 * English words (`discrepancy` finds `discrepancies`); other objects are not stemmed.
 *
 * The tables are contentless (the text stays in the object's table) and keyed by the object row's
 * rowid. SQLite keeps a rowid table's rowids unless the database is VACUUMed; the emulator never
 * does that, and an index whose definition changed is rebuilt when the org opens.
 *
 * Indexing is deferred: the insert and update triggers only queue the row's rowid, and a search
 * re-indexes what is queued, in one statement, before it runs ({@link refreshSearchIndex}). FTS5
 * flushes its pending terms at every statement boundary, so indexing row by row from a trigger
 * made a 100k-contact seed three times slower; one INSERT ... SELECT over the queue costs what a
 * bulk build costs. There is no delete trigger, so that `DELETE FROM` a whole table (a reset)
 * keeps SQLite's truncate optimization: a purged row's entry stays in the index, harmlessly, since
 * a search only returns rows that exist, and a new row that reuses its rowid is queued and
 * replaces the entry.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { Catalog } from '../metadata/catalog.ts';
import type { FieldMeta, FieldType, ObjectMeta } from '../metadata/types.ts';
import { quoteIdent, statement } from '../store/database.ts';

/** SOSL's search groups: `IN ALL FIELDS`, `NAME FIELDS`, `EMAIL FIELDS`, `PHONE FIELDS`. */
export type SearchGroup = 'ALL' | 'NAME' | 'EMAIL' | 'PHONE';

/** The index columns, in order. */
export const INDEX_COLUMNS = ['name', 'email', 'phone', 'digits', 'other', 'body'] as const;

/** bm25 weights of the index columns, in their order: a match in a name counts most. */
export const RELEVANCE_WEIGHTS = [10, 4, 4, 4, 2, 1] as const;

/** Text areas longer than this are searched as `body`, the least relevant column. */
const LONG_TEXT = 1000;

/** Knowledge article versions: their index stems English words. */
export function isKnowledge(object: ObjectMeta): boolean {
  return object.name === 'KnowledgeArticleVersion' || object.name.endsWith('__kav');
}
export type IndexColumn = (typeof INDEX_COLUMNS)[number];

const TEXT_TYPES = new Set<FieldType>(['string', 'textarea', 'email', 'phone', 'url', 'combobox']);

/** Which of an object's fields feed which index column. */
export interface IndexedFields {
  name: FieldMeta[];
  email: FieldMeta[];
  phone: FieldMeta[];
  other: FieldMeta[];
  body: FieldMeta[];
}

/** The fields of an object that SOSL searches, by index column; undefined when it has none. */
export function indexedFields(object: ObjectMeta): IndexedFields | undefined {
  if (!object.searchable) return undefined;
  const name = object.fields.filter((f) => f.nameField);
  // A compound name (Contact.Name) already holds its parts.
  const parts = new Set(name.flatMap((f) => f.compound ?? []));
  const text = object.fields.filter(
    (f) => TEXT_TYPES.has(f.type) && !f.nameField && !parts.has(f.name) && f.name !== 'Id',
  );
  const long = (f: FieldMeta) => f.type === 'textarea' && f.length > LONG_TEXT;
  const fields: IndexedFields = {
    name,
    email: text.filter((f) => f.type === 'email'),
    phone: text.filter((f) => f.type === 'phone'),
    other: text.filter((f) => f.type !== 'email' && f.type !== 'phone' && !long(f)),
    body: text.filter(long),
  };
  const total =
    fields.name.length + fields.email.length + fields.phone.length + fields.other.length + fields.body.length;
  return total > 0 ? fields : undefined;
}

/** The fields whose text a search group covers (for wildcard checks against the object's row). */
export function groupFields(fields: IndexedFields, group: SearchGroup): FieldMeta[] {
  switch (group) {
    case 'NAME':
      return fields.name;
    case 'EMAIL':
      return fields.email;
    case 'PHONE':
      return fields.phone;
    case 'ALL':
      return [...fields.name, ...fields.email, ...fields.phone, ...fields.other, ...fields.body];
  }
}

/** The FTS5 table of an object's index. */
export function indexTable(object: ObjectMeta): string {
  return `_sosl_${object.name}`;
}

/** Characters people write in phone numbers; what is left after removing them should be digits. */
const PHONE_PUNCTUATION = [' ', '-', '(', ')', '.', '+', '/'];

function digitsSql(column: string): string {
  let sql = column;
  for (const ch of PHONE_PUNCTUATION) sql = `replace(${sql}, '${ch}', '')`;
  return sql;
}

/** SQL for each index column's text, reading the object row's columns. */
function columnSql(fields: IndexedFields): Record<IndexColumn, string> {
  const ref = (field: FieldMeta) => `t.${quoteIdent(field.name)}`;
  const join = (list: FieldMeta[]) =>
    list.length === 0 ? 'NULL' : `concat_ws(' ', ${list.map(ref).join(', ')})`;
  const digits =
    fields.phone.length === 0
      ? 'NULL'
      : `concat_ws(' ', ${fields.phone
          .map((f) => {
            const d = digitsSql(ref(f));
            return `${d}, substr(${d}, -10), substr(${d}, -7)`;
          })
          .join(', ')})`;
  return {
    name: join(fields.name),
    email: join(fields.email),
    phone: join(fields.phone),
    digits,
    other: join(fields.other),
    body: join(fields.body),
  };
}

/** The definition an index is built from; a change rebuilds it. */
function signature(object: ObjectMeta, fields: IndexedFields): string {
  return JSON.stringify([
    4,
    tokenizer(object),
    fields.name.map((f) => f.name),
    fields.email.map((f) => f.name),
    fields.phone.map((f) => f.name),
    fields.other.map((f) => f.name),
    fields.body.map((f) => f.name),
  ]);
}

/** Case and accents folded for every object; English stems too for Knowledge articles. */
function tokenizer(object: ObjectMeta): string {
  return `${isKnowledge(object) ? 'porter ' : ''}unicode61 remove_diacritics 2`;
}

const queueTable = (object: ObjectMeta) => `${indexTable(object)}_queue`;

function inTransaction(db: DatabaseSync, fn: () => void): void {
  if (db.isTransaction) {
    fn();
    return;
  }
  db.exec('BEGIN IMMEDIATE');
  try {
    fn();
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Creates (or brings up to date) the full-text index of every searchable object, with the triggers
 * that maintain it. The rows of a table that is new to the index are queued for indexing.
 */
export function ensureSearchIndexes(db: DatabaseSync, catalog: Catalog): void {
  for (const object of catalog.objects) {
    const fields = indexedFields(object);
    if (fields) ensureIndex(db, object, fields);
  }
}

function ensureIndex(db: DatabaseSync, object: ObjectMeta, fields: IndexedFields): void {
  const table = quoteIdent(object.name);
  const fts = quoteIdent(indexTable(object));
  const queue = quoteIdent(queueTable(object));
  const key = `sosl:${object.name}`;
  const sig = signature(object, fields);
  const stored = (
    db.prepare('SELECT value FROM _meta WHERE key = ?').get(key) as { value: string } | undefined
  )?.value;
  const exists =
    db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(indexTable(object)) !==
    undefined;
  if (exists && stored === sig) return;

  const trigger = (suffix: string) => quoteIdent(`${indexTable(object)}_${suffix}`);
  const watched = [...fields.name, ...fields.email, ...fields.phone, ...fields.other, ...fields.body]
    .map((f) => quoteIdent(f.name))
    .join(', ');
  inTransaction(db, () => {
    db.exec(`
      DROP TRIGGER IF EXISTS ${trigger('insert')};
      DROP TRIGGER IF EXISTS ${trigger('update')};
      DROP TRIGGER IF EXISTS ${trigger('delete')};
      DROP TABLE IF EXISTS ${fts};
      DROP TABLE IF EXISTS ${queue};
      CREATE VIRTUAL TABLE ${fts} USING fts5(${INDEX_COLUMNS.join(', ')}, content='', contentless_delete=1, tokenize='${tokenizer(object)}');
      CREATE TABLE ${queue} (id INTEGER PRIMARY KEY);
      INSERT INTO ${queue} (id) SELECT rowid FROM ${table};
      CREATE TRIGGER ${trigger('insert')} AFTER INSERT ON ${table} BEGIN
        INSERT OR IGNORE INTO ${queue} (id) VALUES (new.rowid);
      END;
      CREATE TRIGGER ${trigger('update')} AFTER UPDATE OF ${watched} ON ${table} BEGIN
        INSERT OR IGNORE INTO ${queue} (id) VALUES (new.rowid);
      END;
    `);
    db.prepare('INSERT OR REPLACE INTO _meta (key, value) VALUES (?, ?)').run(key, sig);
  });
}

/**
 * Re-indexes the rows queued since the last search of this object: their old entries out, their
 * current text in, in one statement each. Runs inside the caller's transaction when there is one
 * (a search inside an all-or-none composite request).
 */
export function refreshSearchIndex(db: DatabaseSync, object: ObjectMeta): void {
  const fields = indexedFields(object);
  if (!fields) return;
  const queue = quoteIdent(queueTable(object));
  if (statement(db, `SELECT 1 FROM ${queue} LIMIT 1`).get() === undefined) return;
  const fts = quoteIdent(indexTable(object));
  const sql = columnSql(fields);
  inTransaction(db, () => {
    statement(db, `DELETE FROM ${fts} WHERE rowid IN (SELECT id FROM ${queue})`).run();
    statement(
      db,
      `INSERT INTO ${fts} (rowid, ${INDEX_COLUMNS.join(', ')}) SELECT t.rowid, ${INDEX_COLUMNS.map((c) => sql[c]).join(', ')} FROM ${quoteIdent(object.name)} t WHERE t.rowid IN (SELECT id FROM ${queue})`,
    ).run();
    statement(db, `DELETE FROM ${queue}`).run();
  });
}
