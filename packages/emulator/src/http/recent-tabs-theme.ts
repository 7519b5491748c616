/**
 * `/recent`, `/tabs` and `/theme`: resources that clients (the Salesforce CLI, jsforce's
 * `conn.recent()`, UI builders) read to list what the user worked on and how objects look.
 */
import type { Hono } from 'hono';
import { ApiError } from '../errors.ts';
import type { ObjectMeta } from '../metadata/types.ts';
import type { Org } from '../org.ts';
import { quoteIdent, statement } from '../store/database.ts';
import type { Env } from './app.ts';
import { recordUrl } from './sobjects.ts';
import { since } from './versions.ts';

/** Salesforce's most recent items: at most 200 (unconfirmed: the cap the MRU list keeps). */
const MAX_RECENT = 200;

/** An object's tab color (hex without `#`), stable per object. */
function tabColor(object: ObjectMeta): string {
  let hash = 0;
  for (const ch of object.name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return (hash & 0xffffff).toString(16).padStart(6, '0').toUpperCase();
}

function icons(origin: string, object: ObjectMeta) {
  const base = `${origin}/img/icon/t4v35/${object.custom ? 'custom/custom1' : `standard/${object.name.toLowerCase()}`}`;
  return [
    { contentType: 'image/png', height: 120, theme: 'theme4', url: `${base}_120.png`, width: 120 },
    { contentType: 'image/svg+xml', height: 0, theme: 'theme4', url: `${base}.svg`, width: 0 },
  ];
}

/** Objects with a name field that users work with: those that have tabs and recent items. */
export function tabObjects(org: Org): ObjectMeta[] {
  return org.catalog.objects.filter(
    (o) => o.searchable && o.queryable && o.fields.some((f) => f.nameField) && o.name !== 'User',
  );
}

/**
 * The records of some objects a user changed last, newest first, as Salesforce's most recently used
 * lists show them (`attributes`, Id and the name field). Salesforce lists the records the user
 * viewed last; the emulator records no views (unconfirmed: what a real org's list holds first).
 */
export function recentRecords(
  org: Org,
  version: string,
  userId: string,
  objects: readonly ObjectMeta[],
  limit: number,
): Record<string, unknown>[] {
  if (objects.length === 0 || limit === 0) return [];
  const nameOf = (object: ObjectMeta) => object.fields.find((f) => f.nameField)?.name;
  const union = objects
    .map((object) => {
      const name = nameOf(object);
      return `SELECT '${object.name}' AS type, "Id", ${name ? quoteIdent(name) : 'NULL'} AS name, "LastModifiedDate" AS at FROM ${quoteIdent(object.name)} WHERE "LastModifiedById" = ? AND "IsDeleted" = 0`;
    })
    .join(' UNION ALL ');
  const rows = statement(org.db, `${union} ORDER BY at DESC, "Id" DESC LIMIT ?`).all(
    ...objects.map(() => userId),
    limit,
  ) as { type: string; Id: string; name: string | null }[];
  return rows.map((row) => {
    const object = org.catalog.object(row.type) as ObjectMeta;
    const name = nameOf(object);
    return {
      attributes: { type: object.name, url: recordUrl(version, object, row.Id) },
      Id: row.Id,
      ...(name ? { [name]: row.name } : {}),
    };
  });
}

export function registerRecentTabsThemeRoutes(app: Hono<Env>, org: Org): void {
  app.use('/services/data/:version/recent', since(28));
  app.use('/services/data/:version/theme', since(29));
  app.use('/services/data/:version/tabs', since(31));

  /** `GET /recent?limit=N`: the user's most recently used records of every object with a tab. */
  app.get('/services/data/:version/recent', (c) => {
    const raw = c.req.query('limit');
    const limit = raw === undefined ? MAX_RECENT : Number(raw);
    if (!Number.isInteger(limit) || limit < 0) {
      // (unconfirmed) wording.
      throw new ApiError(400, 'INVALID_QUERY_FILTER_OPERATOR', `Invalid limit: ${raw}`);
    }
    return c.json(
      recentRecords(org, c.get('version'), c.get('userId'), tabObjects(org), Math.min(limit, MAX_RECENT)),
    );
  });

  /** `GET /tabs`: one tab per object users work with. */
  app.get('/services/data/:version/tabs', (c) => {
    const origin = new URL(c.req.url).origin;
    return c.json(
      tabObjects(org).map((object) => ({
        colors: [{ color: tabColor(object), context: 'primary', theme: 'theme4' }],
        custom: object.custom,
        iconUrl: `${origin}/img/icon/${object.name.toLowerCase()}32.png`,
        icons: icons(origin, object),
        label: object.labelPlural,
        miniIconUrl: `${origin}/img/icon/${object.name.toLowerCase()}16.png`,
        name: object.custom ? object.name : `standard-${object.name}`,
        sobjectName: object.name,
        url: `${origin}/${object.keyPrefix}/o`,
      })),
    );
  });

  /** `GET /theme`: colors and icons of every object. */
  app.get('/services/data/:version/theme', (c) => {
    const origin = new URL(c.req.url).origin;
    return c.json({
      themeItems: org.catalog.objects.map((object) => ({
        colors: [{ color: tabColor(object), context: 'primary', theme: 'theme4' }],
        icons: icons(origin, object),
        name: object.name,
      })),
    });
  });
}
