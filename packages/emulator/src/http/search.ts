import type { Context, Hono } from 'hono';
import { ApiError } from '../errors.ts';
import type { Org } from '../org.ts';
import { type ObjectSearch, parseSosl, searchGroup } from '../sosl/parser.ts';
import { MAX_SEARCH_RESULTS, runSearch, type SearchRequest, soqlSearch } from '../sosl/search.ts';
import type { SearchGroup } from '../sosl/search-index.ts';
import { parseTerm } from '../sosl/term.ts';
import { userLocale } from '../store/users.ts';
import type { AppOptions, Env } from './app.ts';
import { readJsonObject } from './body.ts';
import { jsonParserError, toPlain } from './json.ts';
import { since } from './versions.ts';

const BASE = '/services/data/:version';

const noSearchTerm = () =>
  new ApiError(400, 'MALFORMED_SEARCH', 'No search term found. The search term must be enclosed in braces.');

/** An object or field name as parameterized search takes it (no SOQL may ride along). */
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const FIELD = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** One object of a parameterized search. */
interface ObjectSpec {
  name: string;
  fields: string[];
  where?: string;
  orderBy?: string;
  limit?: number;
}

interface ParameterizedSearch {
  q: string;
  group: SearchGroup;
  objects: ObjectSpec[] | null;
  fields: string[];
  overallLimit: number | null;
  defaultLimit: number | null;
}

const invalidParameter = (name: string, value: unknown) =>
  // (unconfirmed) code and wording.
  new ApiError(400, 'INVALID_SEARCH', `Invalid value for parameter ${name}: ${String(value)}`);

function limitValue(name: string, value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0) throw invalidParameter(name, value);
  return n;
}

function fieldList(name: string, value: unknown): string[] {
  const list =
    typeof value === 'string'
      ? value
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean)
      : value;
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'string' && FIELD.test(f.trim()))) {
    throw invalidParameter(name, value);
  }
  return list.map((f: string) => f.trim());
}

/** The objects of a parameterized search as SOQL, one per object. */
function objectSearches(search: ParameterizedSearch): ObjectSearch[] | null {
  if (!search.objects) return null;
  return search.objects.map((spec) => {
    const fields = spec.fields.length > 0 ? spec.fields : search.fields.length > 0 ? search.fields : ['Id'];
    const limit = spec.limit ?? search.defaultLimit;
    const soql = [
      `SELECT ${fields.join(', ')} FROM ${spec.name}`,
      spec.where ? `WHERE ${spec.where}` : '',
      spec.orderBy ? `ORDER BY ${spec.orderBy}` : '',
      limit !== null && limit !== undefined ? `LIMIT ${Math.min(limit, MAX_SEARCH_RESULTS)}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return soqlSearch(soql);
  });
}

/**
 * `GET /search?q=SOSL`, `GET /parameterizedSearch?q=...` and `POST /parameterizedSearch`: SOSL over
 * the org's full-text index, answered as `{"searchRecords":[...]}`. Each search is one API call; its
 * text is recorded with the query metrics, as the query route records SOQL.
 */
export function registerSearchRoutes(app: Hono<Env>, org: Org, options: Required<AppOptions>): void {
  app.use(`${BASE}/parameterizedSearch`, since(36));
  const respond = (c: Context<Env>, request: SearchRequest) => {
    const searchRecords = runSearch(request, {
      db: org.db,
      catalog: org.catalog,
      apiVersion: c.get('version'),
      now: org.now(),
      userId: c.get('userId'),
      locale: userLocale(org, c.get('userId')),
    });
    return c.json({ searchRecords });
  };

  app.get(`${BASE}/search`, (c) => {
    const q = c.req.query('q');
    if (q === undefined || q.trim() === '') throw noSearchTerm();
    org.meterQuery(q);
    const statement = parseSosl(q);
    return respond(c, {
      term: statement.term,
      group: statement.group,
      objects: statement.returning,
      limit: statement.limit,
    });
  });

  const parameterized = (c: Context<Env>, search: ParameterizedSearch) => {
    if (search.q.trim() === '') throw noSearchTerm();
    org.meterQuery(search.q);
    return respond(c, {
      term: parseTerm(search.q),
      group: search.group,
      objects: objectSearches(search) ?? (search.fields.length > 0 ? allObjects(search.fields) : null),
      limit: search.overallLimit,
    });
  };

  /** Without `sobject`, every searchable object, with the global `fields` (unconfirmed). */
  const allObjects = (fields: string[]): ObjectSearch[] =>
    org.catalog.objects
      .filter((o) => o.searchable && o.name !== 'KnowledgeArticleVersion')
      .filter((o) => fields.every((f) => f.includes('.') || org.catalog.field(o, f)))
      .map((o) => soqlSearch(`SELECT ${fields.join(', ')} FROM ${o.name}`));

  app.get(`${BASE}/parameterizedSearch`, (c) => {
    const url = new URL(c.req.url);
    const params = url.searchParams;
    const group = searchGroup(params.get('in') ?? 'ALL');
    if (!group) throw invalidParameter('in', params.get('in'));
    const names = params.getAll('sobject').flatMap((s) =>
      s
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    );
    const objects = names.map((name): ObjectSpec => {
      if (!NAME.test(name)) throw invalidParameter('sobject', name);
      // Per-object parameters are written `Account.fields=...`, in any case of the object name.
      const param = (suffix: string) => {
        for (const [key, value] of params)
          if (key.toLowerCase() === `${name}.${suffix}`.toLowerCase()) return value;
        return undefined;
      };
      const fields = param('fields');
      return {
        name,
        fields: fields === undefined ? [] : fieldList(`${name}.fields`, fields),
        where: param('where'),
        orderBy: param('orderBy'),
        limit: limitValue(`${name}.limit`, param('limit')) ?? undefined,
      };
    });
    return parameterized(c, {
      q: params.get('q') ?? '',
      group,
      objects: objects.length > 0 ? objects : null,
      fields: params.get('fields') ? fieldList('fields', params.get('fields')) : [],
      overallLimit: limitValue('overallLimit', params.get('overallLimit')),
      defaultLimit: limitValue('defaultLimit', params.get('defaultLimit')),
    });
  });

  app.post(`${BASE}/parameterizedSearch`, async (c) => {
    const body = toPlain((await readJsonObject(c, 'SearchRequest', options.maxBodyBytes)).value) as Record<
      string,
      unknown
    >;
    const text = (name: string, value: unknown): string | undefined => {
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string') {
        throw jsonParserError(`Cannot deserialize value of type \`java.lang.String\` for ${name}`);
      }
      return value;
    };
    const q = text('q', body.q);
    if (q === undefined) throw noSearchTerm();
    const group = searchGroup(text('in', body.in) ?? 'ALL');
    if (!group) throw invalidParameter('in', body.in);
    let objects: ObjectSpec[] | null = null;
    if (body.sobjects !== undefined && body.sobjects !== null) {
      if (!Array.isArray(body.sobjects)) {
        throw jsonParserError('Cannot deserialize value of type `java.util.ArrayList` for sobjects');
      }
      objects = body.sobjects.map((entry): ObjectSpec => {
        if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
          throw jsonParserError('Cannot deserialize value of type `SearchSObjectSpec` for sobjects');
        }
        const spec = entry as Record<string, unknown>;
        const name = text('name', spec.name);
        if (!name || !NAME.test(name)) throw invalidParameter('sobjects.name', spec.name);
        return {
          name,
          fields:
            spec.fields === undefined || spec.fields === null ? [] : fieldList(`${name}.fields`, spec.fields),
          where: text('where', spec.where),
          orderBy: text('orderBy', spec.orderBy),
          limit: limitValue(`${name}.limit`, spec.limit) ?? undefined,
        };
      });
      if (objects.length === 0) objects = null;
    }
    return parameterized(c, {
      q,
      group,
      objects,
      fields: body.fields === undefined || body.fields === null ? [] : fieldList('fields', body.fields),
      overallLimit: limitValue('overallLimit', body.overallLimit),
      defaultLimit: limitValue('defaultLimit', body.defaultLimit),
    });
  });
}
