import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, Hono } from 'hono';
import {
  deleteCollection,
  retrieveCollection,
  type SaveResult,
  saveCollection,
  upsertCollection,
} from '../composite/collections.ts';
import { type Gate, isSubrequest, markSubrequest } from '../composite/gate.ts';
import { BrokenReference, type Outcomes, resolveBody, resolveString } from '../composite/references.ts';
import { createTrees } from '../composite/tree.ts';
import { ApiError } from '../errors.ts';
import type { Org } from '../org.ts';
import type { AppOptions, Env } from './app.ts';
import { readJsonObject } from './body.ts';
import { toPlain } from './json.ts';
import { objectParam } from './sobjects.ts';
import { since } from './versions.ts';

const BASE = '/services/data/:version/composite';

/** Salesforce's limit on subrequests in one composite or batch request. */
export const MAX_SUBREQUESTS = 25;

const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD']);

/** One subrequest's answer, as `/composite` reports it. */
interface SubResult {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

interface Subrequest {
  method: string;
  url: string;
  referenceId: string;
  body: unknown;
  httpHeaders: Record<string, string>;
}

// (unconfirmed) codes and wording of the request-level errors below: Salesforce checks the whole
// request before running any subrequest and answers 400 without running one.
const invalid = (message: string) => new ApiError(400, 'INVALID_INPUT', message);
const tooMany = (what: string) =>
  new ApiError(400, 'LIMIT_EXCEEDED', `A ${what} request can contain at most ${MAX_SUBREQUESTS} subrequests`);
const typeError = (message: string) => new ApiError(400, 'JSON_PARSER_ERROR', message);

const processingHalted = (message: string) => [{ errorCode: 'PROCESSING_HALTED', message }];
const ROLLED_BACK = 'The transaction was rolled back since another operation in the same transaction failed.';

/** Headers a subrequest may not set: the session and the body's framing are the parent's. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'content-length',
  'content-type',
  'host',
  'transfer-encoding',
]);

function headerMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw typeError(`${where}.httpHeaders must be an object`);
  const headers: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw typeError(`${where}.httpHeaders.${key} must be a string`);
    if (!RESERVED_HEADERS.has(key.toLowerCase())) headers[key] = v;
  }
  return headers;
}

/** A data URL a subrequest may call: under `/services/data/vXX.X/`, and not a composite itself. */
function checkUrl(url: string, where: string): void {
  if (!/^\/services\/data\/v\d+\.\d\//.test(url)) {
    throw invalid(`${where}: the url must start with /services/data/vXX.X/: ${url}`);
  }
  if (/^\/services\/data\/v\d+\.\d\/composite(?:\/(?:batch|tree|graph)(?:[/?].*)?)?\/?(?:\?.*)?$/.test(url)) {
    throw invalid(`${where}: a composite request cannot contain another composite request: ${url}`);
  }
}

/** Reads and checks a list of subrequests; nothing runs unless all of them are well formed. */
function subrequestList(list: unknown, where: string, max: number, what: string): Subrequest[] {
  if (!Array.isArray(list) || list.length === 0) {
    throw invalid(`${where} must be a non-empty array of subrequests`);
  }
  if (list.length > max) {
    throw new ApiError(400, 'LIMIT_EXCEEDED', `A ${what} request can contain at most ${max} subrequests`);
  }
  const seen = new Set<string>();
  return list.map((entry, i): Subrequest => {
    const at = `${where}[${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      throw typeError(`${at} must be an object`);
    const sub = entry as Record<string, unknown>;
    const { method, url, referenceId } = sub;
    if (typeof method !== 'string' || !METHODS.has(method.toUpperCase())) {
      throw invalid(`${at}: method must be one of ${[...METHODS].join(', ')}`);
    }
    if (typeof url !== 'string') throw invalid(`${at}: url is required`);
    if (typeof referenceId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_]*$/.test(referenceId)) {
      throw invalid(
        `${at}: referenceId is required; it must start with a letter or a number and contain only letters, numbers and underscores`,
      );
    }
    if (seen.has(referenceId)) throw invalid(`Duplicate ReferenceId provided in the request: ${referenceId}`);
    seen.add(referenceId);
    checkUrl(url, at);
    return {
      method: method.toUpperCase(),
      url,
      referenceId,
      body: sub.body,
      httpHeaders: headerMap(sub.httpHeaders, at),
    };
  });
}

/** Reads and checks a `/composite` body. */
function compositeRequest(value: Record<string, unknown>): { allOrNone: boolean; subrequests: Subrequest[] } {
  const { allOrNone = false, compositeRequest: list, collateSubrequests } = value;
  if (typeof allOrNone !== 'boolean') throw typeError('allOrNone must be a boolean');
  if (collateSubrequests !== undefined && typeof collateSubrequests !== 'boolean') {
    throw typeError('collateSubrequests must be a boolean');
  }
  return { allOrNone, subrequests: subrequestList(list, 'compositeRequest', MAX_SUBREQUESTS, 'composite') };
}

/** Salesforce's limits on a composite graph request: nodes per graph, and graphs. */
export const MAX_GRAPH_NODES = 500;
const MAX_GRAPHS = 75;

/** Reads and checks a `/composite/graph` body: every graph, before any runs. */
function graphRequest(value: Record<string, unknown>): { graphId: string; subrequests: Subrequest[] }[] {
  const { graphs } = value;
  if (!Array.isArray(graphs) || graphs.length === 0)
    throw invalid('graphs must be a non-empty array of graphs');
  // (unconfirmed) wording.
  if (graphs.length > MAX_GRAPHS)
    throw new ApiError(400, 'LIMIT_EXCEEDED', `A request can contain at most ${MAX_GRAPHS} graphs`);
  const ids = new Set<string>();
  return graphs.map((graph, i) => {
    if (graph === null || typeof graph !== 'object' || Array.isArray(graph))
      throw typeError(`graphs[${i}] must be an object`);
    const { graphId, compositeRequest: list } = graph as Record<string, unknown>;
    if (typeof graphId !== 'string' || graphId === '') throw invalid(`graphs[${i}]: graphId is required`);
    if (ids.has(graphId)) throw invalid(`Duplicate graphId provided in the request: ${graphId}`);
    ids.add(graphId);
    return {
      graphId,
      subrequests: subrequestList(list, `graphs[${i}].compositeRequest`, MAX_GRAPH_NODES, 'graph'),
    };
  });
}

/** True when a subrequest's answer is a failure for all-or-none purposes. */
function failed(result: { httpStatusCode: number; body: unknown }): boolean {
  if (result.httpStatusCode >= 400) return true;
  // A collection inside an all-or-none composite fails it when one of its records fails.
  return (
    Array.isArray(result.body) &&
    result.body.some(
      (r) => r !== null && typeof r === 'object' && 'success' in r && (r as SaveResult).success === false,
    )
  );
}

/**
 * Composite resources: `/composite` (subrequests with references, optionally all-or-none),
 * `/composite/batch` (independent subrequests) and sObject Collections (`/composite/sobjects`).
 *
 * Subrequests run through this app, with the caller's Authorization header, so they get exactly
 * the validation, errors and metrics of the single requests; they are marked (see gate.ts) so that
 * the whole composite call counts as one API call, as in Salesforce. An all-or-none `/composite`
 * request runs in one SQLite savepoint, holding the org's gate exclusively until it ends.
 */
export function registerCompositeRoutes(
  app: Hono<Env>,
  org: Org,
  options: Required<AppOptions>,
  gate: Gate,
): void {
  /** Set while an all-or-none composite runs: its collections are all-or-none too. */
  const allOrNoneScope = new AsyncLocalStorage<boolean>();

  app.use('/services/data/:version/*', (c, next) => (isSubrequest(c.req.raw) ? next() : gate.shared(next)));

  const dml = (c: Context<Env>) => ({ userId: c.get('userId'), now: org.now() });

  /** Runs one subrequest through the app and reads its answer. */
  const dispatch = async (
    c: Context<Env>,
    method: string,
    url: string,
    body: unknown,
    headers: Record<string, string>,
  ) => {
    const init: RequestInit = {
      method,
      headers: { ...headers, authorization: c.req.header('authorization') ?? '' },
    };
    if (body !== undefined && body !== null && method !== 'GET' && method !== 'HEAD') {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const request = markSubrequest(new Request(new URL(url, c.req.url), init));
    const response = await app.request(request);
    const text = await response.text();
    let parsed: unknown = null;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    // Salesforce reports these headers of a subrequest's answer (a GET of a row carries its ETag
    // and Last-Modified, a create its Location).
    const httpHeaders: Record<string, string> = {};
    for (const name of ['ETag', 'Last-Modified', 'Location']) {
      const value = response.headers.get(name);
      if (value) httpHeaders[name] = value;
    }
    return { status: response.status, body: parsed, httpHeaders };
  };

  /**
   * Runs subrequests in order, resolving references to earlier answers. All or none: in one
   * savepoint, holding the gate exclusively; when one fails, everything is rolled back, the failed
   * one keeps its answer and every other answers PROCESSING_HALTED.
   */
  const runSubrequests = async (c: Context<Env>, subrequests: Subrequest[], allOrNone: boolean) => {
    const run = async (): Promise<{ results: SubResult[]; failedAt: number }> => {
      const outcomes: Outcomes = new Map();
      const results: SubResult[] = [];
      let failedAt = -1;
      for (const sub of subrequests) {
        let result: SubResult;
        try {
          const url = String(resolveString(sub.url, outcomes));
          const body = resolveBody(sub.body, outcomes);
          const answer = await dispatch(c, sub.method, url, body, sub.httpHeaders);
          result = {
            body: answer.body,
            httpHeaders: answer.httpHeaders,
            httpStatusCode: answer.status,
            referenceId: sub.referenceId,
          };
        } catch (error) {
          if (!(error instanceof BrokenReference)) throw error;
          result = {
            body: processingHalted(error.message),
            httpHeaders: {},
            httpStatusCode: 400,
            referenceId: sub.referenceId,
          };
        }
        results.push(result);
        const bad = allOrNone ? failed(result) : result.httpStatusCode >= 400;
        outcomes.set(sub.referenceId, { ok: !bad, body: result.body });
        if (bad && allOrNone) {
          failedAt = results.length - 1;
          break;
        }
      }
      return { results, failedAt };
    };

    if (!allOrNone) return (await run()).results;

    return gate.exclusive(() =>
      allOrNoneScope.run(true, async () => {
        org.db.exec('SAVEPOINT sfgql_composite');
        let outcome: { results: SubResult[]; failedAt: number };
        try {
          outcome = await run();
        } catch (error) {
          org.db.exec('ROLLBACK TO sfgql_composite');
          org.db.exec('RELEASE sfgql_composite');
          throw error;
        }
        if (outcome.failedAt < 0) {
          org.db.exec('RELEASE sfgql_composite');
          return outcome.results;
        }
        org.db.exec('ROLLBACK TO sfgql_composite');
        org.db.exec('RELEASE sfgql_composite');
        // The failed subrequest keeps its error; every other one reports the rollback.
        return subrequests.map(
          (sub, i): SubResult =>
            i === outcome.failedAt
              ? (outcome.results[i] as SubResult)
              : {
                  body: processingHalted(ROLLED_BACK),
                  httpHeaders: {},
                  httpStatusCode: 400,
                  referenceId: sub.referenceId,
                },
        );
      }),
    );
  };

  app.post(BASE, async (c) => {
    const { value } = await readJsonObject(c, 'CompositeRequest', options.maxBodyBytes);
    const { allOrNone, subrequests } = compositeRequest(toPlain(value) as Record<string, unknown>);
    return c.json({ compositeResponse: await runSubrequests(c, subrequests, allOrNone) });
  });

  /**
   * `/composite/graph` (API 50.0 and later): independent graphs of subrequests, each all or none,
   * so one graph's failure leaves the others' work in place.
   */
  app.post(`${BASE}/graph`, since(50), async (c) => {
    const { value } = await readJsonObject(c, 'CompositeGraphRequest', options.maxBodyBytes);
    const graphs = graphRequest(toPlain(value) as Record<string, unknown>);
    const answers = [];
    for (const graph of graphs) {
      const compositeResponse = await runSubrequests(c, graph.subrequests, true);
      answers.push({
        graphId: graph.graphId,
        graphResponse: { compositeResponse },
        isSuccessful: compositeResponse.every((r) => r.httpStatusCode < 400),
      });
    }
    return c.json({ graphs: answers });
  });

  /** `/composite/tree/{object}`: trees of new records, all or none (see composite/tree.ts). */
  app.post(`${BASE}/tree/:type`, async (c) => {
    const object = objectParam(org, c.req.param('type'));
    const { value } = await readJsonObject(c, 'SObjectTreeRequest', options.maxBodyBytes);
    const { status, body } = createTrees(org, object, value, dml(c));
    return c.json(body, status);
  });

  app.post(`${BASE}/batch`, async (c) => {
    const { value } = await readJsonObject(c, 'BatchRequest', options.maxBodyBytes);
    const body = toPlain(value) as Record<string, unknown>;
    const { haltOnError = false, batchRequests } = body;
    if (typeof haltOnError !== 'boolean') throw typeError('haltOnError must be a boolean');
    if (!Array.isArray(batchRequests) || batchRequests.length === 0) {
      throw invalid('batchRequests must be a non-empty array of subrequests');
    }
    if (batchRequests.length > MAX_SUBREQUESTS) throw tooMany('batch');
    const subrequests = batchRequests.map((entry, i) => {
      const where = `batchRequests[${i}]`;
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
        throw typeError(`${where} must be an object`);
      const sub = entry as Record<string, unknown>;
      if (typeof sub.method !== 'string' || !METHODS.has(sub.method.toUpperCase())) {
        throw invalid(`${where}: method must be one of ${[...METHODS].join(', ')}`);
      }
      if (typeof sub.url !== 'string') throw invalid(`${where}: url is required`);
      if (sub.binaryPartName !== undefined) {
        throw invalid(`${where}: binary parts are not supported by the emulator`);
      }
      // Batch urls start at the version (`v60.0/sobjects/...`); the full path is accepted too.
      const relative = sub.url.replace(/^\/?(?:services\/data\/)?/, '');
      const url = `/services/data/${relative}`;
      checkUrl(url, where);
      return {
        method: sub.method.toUpperCase(),
        url,
        body: sub.richInput,
        headers: headerMap(sub.httpHeaders, where),
      };
    });
    const results: { statusCode: number; result: unknown }[] = [];
    let halted = false;
    for (const sub of subrequests) {
      if (halted) {
        results.push({
          statusCode: 412,
          result: [{ errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' }],
        });
        continue;
      }
      const answer = await dispatch(c, sub.method, sub.url, sub.body, sub.headers);
      results.push({ statusCode: answer.status, result: answer.body });
      if (haltOnError && answer.status >= 400) halted = true;
    }
    return c.json({ hasErrors: results.some((r) => r.statusCode >= 400), results });
  });

  // sObject Collections (API 42.0 and later).
  app.use(`${BASE}/sobjects`, since(42));
  app.use(`${BASE}/sobjects/*`, since(42));

  const allOrNoneOf = (value: unknown): boolean => {
    if (allOrNoneScope.getStore() === true) return true;
    if (value === undefined || value === null) return false;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw typeError('allOrNone must be a boolean');
  };

  const writeCollection = (operation: 'create' | 'update') => async (c: Context<Env>) => {
    const { value } = await readJsonObject(c, 'SObjectCollection', options.maxBodyBytes);
    const body = value as Record<string, unknown>;
    const allOrNone = allOrNoneOf(toPlain(body.allOrNone));
    return c.json(saveCollection(org, operation, body.records, allOrNone, dml(c)));
  };
  app.post(`${BASE}/sobjects`, writeCollection('create'));
  app.patch(`${BASE}/sobjects`, writeCollection('update'));

  app.delete(`${BASE}/sobjects`, (c) => {
    const ids = (c.req.query('ids') ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    if (ids.length === 0) throw new ApiError(400, 'MISSING_ARGUMENT', 'ids parameter is required');
    return c.json(deleteCollection(org, ids, allOrNoneOf(c.req.query('allOrNone')), dml(c)));
  });

  app.patch(`${BASE}/sobjects/:type/:field`, async (c) => {
    const object = objectParam(org, c.req.param('type'));
    const { value } = await readJsonObject(c, 'SObjectCollection', options.maxBodyBytes);
    const body = value as Record<string, unknown>;
    return c.json(
      upsertCollection(
        org,
        object,
        c.req.param('field'),
        body.records,
        allOrNoneOf(toPlain(body.allOrNone)),
        dml(c),
      ),
    );
  });

  const list = (value: unknown, name: string): string[] => {
    if (value === undefined || value === null) return [];
    if (typeof value === 'string') {
      return value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
    }
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v) => v.trim());
    throw typeError(`${name} must be an array of strings`);
  };

  app.get(`${BASE}/sobjects/:type`, (c) => {
    const object = objectParam(org, c.req.param('type'));
    const ids = list(c.req.query('ids'), 'ids');
    const fields = list(c.req.query('fields'), 'fields');
    return c.json(retrieveCollection(org, object, ids, fields, c.get('userId'), c.get('version')));
  });

  app.post(`${BASE}/sobjects/:type`, async (c) => {
    const object = objectParam(org, c.req.param('type'));
    const { value } = await readJsonObject(c, 'SObjectCollectionRetrieve', options.maxBodyBytes);
    const body = toPlain(value) as Record<string, unknown>;
    return c.json(
      retrieveCollection(
        org,
        object,
        list(body.ids, 'ids'),
        list(body.fields, 'fields'),
        c.get('userId'),
        c.get('version'),
      ),
    );
  });
}
