import type { Context, Hono } from 'hono';
import { ApiError } from '../errors.ts';
import type { Org } from '../org.ts';
import { executeSoql } from '../soql/execute.ts';
import type { Env } from './app.ts';

/** `GET /query` and `/queryAll`. */
export function registerQueryRoutes(app: Hono<Env>, org: Org): void {
  const query = (includeDeleted: boolean) => (c: Context<Env>) => {
    const q = c.req.query('q');
    if (q === undefined || q.trim() === '') {
      throw new ApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    }
    return c.json(
      executeSoql(q, { db: org.db, catalog: org.catalog, apiVersion: c.get('version'), includeDeleted }),
    );
  };
  app.get('/services/data/:version/query', query(false));
  app.get('/services/data/:version/queryAll', query(true));
}
