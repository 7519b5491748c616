import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ObjectMeta } from '../metadata/types.ts';
import { createOrg, type Org } from '../org.ts';
import { resetOrg } from '../seed/reset.ts';
import { getRow, insertRow, updateRow } from '../store/records.ts';
import { parseSosl } from './parser.ts';
import { runSearch } from './search.ts';

const NOW = new Date('2026-02-12T10:00:00.000Z');
const orgs: Org[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const org of orgs.splice(0)) org.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open(dataDir = ':memory:'): Org {
  const org = createOrg({ dataDir, now: () => NOW, purgeIntervalMs: 0 });
  orgs.push(org);
  return org;
}

const contact = (org: Org) => org.catalog.object('Contact') as ObjectMeta;
const ctx = { userId: '005000000000001AAA', now: NOW };
const add = (org: Org, values: Record<string, string>) =>
  insertRow(org.db, org.catalog, contact(org), values, ctx).Id as string;

function find(org: Org, term: string): string[] {
  const statement = parseSosl(`FIND {${term}} RETURNING Contact(Id)`);
  return runSearch(
    { term: statement.term, group: statement.group, objects: statement.returning, limit: null },
    { db: org.db, catalog: org.catalog, apiVersion: 'v60.0', now: NOW, userId: ctx.userId },
  ).map((r) => r.Id as string);
}

describe('the search index', () => {
  it('never matches a purged row, even when a new row takes its rowid', () => {
    const org = open();
    const old = add(org, { LastName: 'Stalemate' });
    expect(find(org, 'Stalemate')).toEqual([old]);
    // A reset deletes every row at once (no trigger: SQLite truncates); rowids start over.
    resetOrg(org, 'none');
    const fresh = add(org, { LastName: 'Freshwater' });
    expect(find(org, 'Stalemate')).toEqual([]);
    expect(find(org, 'Freshwater')).toEqual([fresh]);
  });

  it('follows updates of indexed fields', () => {
    const org = open();
    const id = add(org, { LastName: 'Before', Email: 'before@example.com' });
    const row = getRow(org.db, contact(org), id);
    if (!row) throw new Error('row missing');
    updateRow(org.db, contact(org), row, { LastName: 'After' }, ctx);
    expect(find(org, 'Before')).toEqual([id]); // still in the email
    expect(find(org, 'Before AND NOT After')).toEqual([]);
    expect(find(org, 'After')).toEqual([id]);
  });

  it('indexes the rows of a data folder made before the index existed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfgql-sosl-'));
    dirs.push(dir);
    const first = open(dir);
    const id = add(first, { LastName: 'Preexisting' });
    // As an org written by an emulator without SOSL: no index tables, no definitions.
    for (const object of first.catalog.objects) {
      const table = `_sosl_${object.name}`;
      first.db.exec(
        `DROP TRIGGER IF EXISTS "${table}_insert"; DROP TRIGGER IF EXISTS "${table}_update"; DROP TABLE IF EXISTS "${table}"; DROP TABLE IF EXISTS "${table}_queue";`,
      );
    }
    first.db.exec(`DELETE FROM _meta WHERE key LIKE 'sosl:%'`);
    first.close();
    orgs.splice(orgs.indexOf(first), 1);
    const reopened = open(dir);
    expect(find(reopened, 'Preexisting')).toEqual([id]);
  });
});
