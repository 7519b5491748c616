/**
 * List views (`/sobjects/X/listviews`): each object users work with has Salesforce's two standard
 * views, "All X" (scope everything) and "My X" (scope mine), listing the compact layout's fields
 * and the owner's alias, sorted by name. A view's SOQL is what its describe reports and what its
 * results run, through the same query engine as `/query`; `/query?explain=` takes a view's id.
 */
import type { Context, Hono } from 'hono';
import { ApiError, notFound } from '../errors.ts';
import { makeId, normalizeId } from '../ids.ts';
import type { FieldMeta, ObjectMeta } from '../metadata/types.ts';
import type { Org } from '../org.ts';
import { openQuery } from '../soql/execute.ts';
import type { Env } from './app.ts';
import { compactFields } from './layouts.ts';
import { tabObjects } from './recent-tabs-theme.ts';
import { objectParam } from './sobjects.ts';

/** One list view of an object. */
export interface ListView {
  id: string;
  object: ObjectMeta;
  developerName: string;
  label: string;
  scope: 'everything' | 'mine';
  columns: ListViewColumn[];
  soql: string;
}

interface ListViewColumn {
  fieldNameOrPath: string;
  label: string;
  selectListItem: string;
  type: string;
  hidden: boolean;
  sortable: boolean;
  searchable: boolean;
  sortIndex: number | null;
}

/** The columns every view selects besides its visible ones (Salesforce's hidden columns). */
const HIDDEN = ['Id', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp'];

function column(field: FieldMeta, path: string, hidden: boolean, sortIndex: number | null): ListViewColumn {
  return {
    fieldNameOrPath: path,
    label: field.label,
    selectListItem: field.type === 'picklist' ? `toLabel(${path})` : path,
    type: field.type,
    hidden,
    sortable: field.sortable && !hidden,
    searchable: ['string', 'email', 'phone', 'textarea', 'url'].includes(field.type) && !hidden,
    sortIndex,
  };
}

/** The standard list views of every object that has a tab, with stable ids. */
export function listViews(org: Org): ListView[] {
  const views: ListView[] = [];
  tabObjects(org).forEach((object, index) => {
    const visible = compactFields(object).map((field, i) =>
      column(field, field.name, false, i === 0 ? 0 : null),
    );
    const owner =
      object.ownerTypes.length > 0
        ? org.catalog.object('User')?.fields.find((f) => f.name === 'Alias')
        : undefined;
    if (owner) visible.push({ ...column(owner, 'Owner.Alias', false, null), label: 'Owner Alias' });
    const hidden = HIDDEN.map((name) =>
      column(org.catalog.field(object, name) as FieldMeta, name, true, null),
    );
    const columns = [...visible, ...hidden];
    const sortBy = visible[0]?.fieldNameOrPath ?? 'Id';
    for (const scope of ['everything', 'mine'] as const) {
      const prefix = scope === 'everything' ? 'All' : 'My';
      const soql = [
        `SELECT ${columns.map((c) => c.selectListItem).join(', ')} FROM ${object.name}`,
        scope === 'mine' && object.ownerTypes.length > 0 ? 'USING SCOPE mine' : '',
        `ORDER BY ${sortBy} ASC NULLS FIRST, Id ASC NULLS FIRST`,
      ]
        .filter(Boolean)
        .join(' ');
      views.push({
        id: makeId('00B', index * 2 + (scope === 'everything' ? 1 : 2)),
        object,
        developerName: `${prefix}${object.labelPlural.replace(/[^A-Za-z0-9]/g, '')}`,
        label: `${prefix} ${object.labelPlural}`,
        scope,
        columns,
        soql,
      });
    }
  });
  return views;
}

/** The list view a 15- or 18-character id names, if any. */
export function findListView(org: Org, rawId: string): ListView | undefined {
  const id = normalizeId(rawId);
  return id ? listViews(org).find((view) => view.id === id) : undefined;
}

const sortColumns = (view: ListView) =>
  view.columns.map((c) => ({
    ascendingLabel: c.type === 'string' ? 'Z-A' : 'Low to High',
    descendingLabel: c.type === 'string' ? 'A-Z' : 'High to Low',
    fieldNameOrPath: c.fieldNameOrPath,
    hidden: c.hidden,
    label: c.label,
    searchable: c.searchable,
    selectListItem: c.selectListItem,
    sortDirection: c.sortIndex === 0 ? 'ascending' : null,
    sortIndex: c.sortIndex,
    sortable: c.sortable,
    type: c.type,
  }));

/** A record's value at a path (`Owner.Alias`), as list view results give it: text or null. */
function valueAt(record: Record<string, unknown>, path: string): string | null {
  let value: unknown = record;
  for (const step of path.split('.')) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string, unknown>)[step];
  }
  return value === null || value === undefined
    ? null
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}

export function registerListViewRoutes(app: Hono<Env>, org: Org): void {
  const BASE = '/services/data/:version/sobjects/:type/listviews';

  const info = (c: Context<Env>, view: ListView) => {
    const url = `/services/data/${c.get('version')}/sobjects/${view.object.name}/listviews/${view.id}`;
    return {
      describeUrl: `${url}/describe`,
      developerName: view.developerName,
      id: view.id,
      label: view.label,
      resultsUrl: `${url}/results`,
      soqlCompatible: true,
      url,
    };
  };

  const viewParam = (c: Context<Env>): ListView => {
    const object = objectParam(org, c.req.param('type') ?? '');
    const view = findListView(org, c.req.param('id') ?? '');
    if (!view || view.object !== object) throw notFound();
    return view;
  };

  app.get(BASE, (c) => {
    const object = objectParam(org, c.req.param('type'));
    const views = listViews(org).filter((v) => v.object === object);
    return c.json({
      done: true,
      listviews: views.map((view) => info(c, view)),
      nextRecordsUrl: null,
      size: views.length,
      sobjectType: object.name,
    });
  });

  app.get(`${BASE}/:id`, (c) => c.json(info(c, viewParam(c))));

  app.get(`${BASE}/:id/describe`, (c) => {
    const view = viewParam(c);
    return c.json({
      columns: sortColumns(view),
      id: view.id,
      orderBy: [
        {
          fieldNameOrPath: view.columns[0]?.fieldNameOrPath ?? 'Id',
          nullsPosition: 'first',
          sortDirection: 'ascending',
        },
        { fieldNameOrPath: 'Id', nullsPosition: 'first', sortDirection: 'ascending' },
      ],
      query: view.soql,
      relatedEntityId: null,
      scope: view.scope,
      scopeEntityId: null,
      sobjectType: view.object.name,
      whereCondition: { conditions: [], conjunction: 'and' },
    });
  });

  /** `?limit=` (default 25, at most 2000) and `?offset=`, as Salesforce pages a view's results. */
  app.get(`${BASE}/:id/results`, (c) => {
    const view = viewParam(c);
    const number = (name: string, fallback: number, max: number) => {
      const raw = c.req.query(name);
      const n = raw === undefined ? fallback : Number(raw);
      if (!Number.isInteger(n) || n < 0 || n > max) {
        // (unconfirmed) code and wording.
        throw new ApiError(400, 'INVALID_QUERY_FILTER_OPERATOR', `Invalid ${name}: ${raw}`);
      }
      return n;
    };
    const limit = number('limit', 25, 2000);
    const offset = number('offset', 0, 2000);
    const cursor = openQuery(view.soql, {
      db: org.db,
      catalog: org.catalog,
      includeDeleted: false,
      now: org.now(),
      userId: c.get('userId'),
    });
    const records = offset < cursor.totalSize ? cursor.page(offset, limit, c.get('version')).records : [];
    return c.json({
      columns: sortColumns(view),
      developerName: view.developerName,
      done: offset + records.length >= cursor.totalSize,
      id: view.id,
      label: view.label,
      records: records.map((record) => ({
        columns: view.columns.map((col) => ({
          fieldNameOrPath: col.fieldNameOrPath,
          value: valueAt(record, col.fieldNameOrPath),
        })),
      })),
      size: cursor.totalSize,
    });
  });
}
