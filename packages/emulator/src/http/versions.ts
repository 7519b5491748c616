/**
 * API versions and the version resource (`GET /services/data/vXX.X`).
 *
 * Real orgs serve every version from 31.0 (Summer '14) to the current one; the emulator serves
 * 31.0 to 66.0 (Spring '26). Some resources appeared later than 31.0: below their first version
 * they answer 404 NOT_FOUND, as an org does, and the version resource leaves them out.
 */
import type { Context } from 'hono';
import { notFound } from '../errors.ts';
import type { Env } from './app.ts';

/** The oldest and newest API versions served. */
export const OLDEST_VERSION = 31;
export const LATEST_VERSION = 66;

/** API versions served, oldest first, as `GET /services/data` lists them (`31.0` ... `66.0`). */
export const API_VERSIONS = Array.from(
  { length: LATEST_VERSION - OLDEST_VERSION + 1 },
  (_, i) => `${OLDEST_VERSION + i}.0`,
);

/**
 * The release that introduced a version, as the version list labels it: three releases a year,
 * 31.0 being Summer '14, 32.0 Winter '15 and 33.0 Spring '15.
 */
export function releaseName(version: string): string {
  const offset = Number.parseInt(version, 10) - OLDEST_VERSION;
  const season = offset % 3;
  const year = 14 + Math.floor(offset / 3) + (season === 0 ? 0 : 1);
  return `${['Summer', 'Winter', 'Spring'][season]} '${String(year).padStart(2, '0')}`;
}

/** `v60.0` → 60. */
export function versionNumber(version: string): number {
  return Number.parseInt(version.replace(/^v/, ''), 10);
}

/**
 * The resources the emulator serves under a version, with the first version of each (from
 * Salesforce's documentation; `composite` is the first version of composite batch).
 */
const RESOURCES: { name: string; path: string; since: number }[] = [
  { name: 'tabs', path: 'tabs', since: 31 },
  { name: 'compactLayouts', path: 'compactLayouts', since: 31 },
  { name: 'queryAll', path: 'queryAll', since: 29 },
  { name: 'search', path: 'search', since: 18 },
  { name: 'composite', path: 'composite', since: 34 },
  { name: 'parameterizedSearch', path: 'parameterizedSearch', since: 36 },
  { name: 'theme', path: 'theme', since: 29 },
  { name: 'recent', path: 'recent', since: 28 },
  { name: 'limits', path: 'limits', since: 29 },
  { name: 'query', path: 'query', since: 20 },
  { name: 'jobs', path: 'jobs', since: 41 },
  { name: 'sobjects', path: 'sobjects', since: 20 },
];

/** The body of `GET /services/data/vXX.X`: each resource the version serves, and the identity URL. */
export function versionResources(version: string, identityUrl: string): Record<string, string> {
  const n = versionNumber(version);
  const body: Record<string, string> = {};
  for (const resource of RESOURCES) {
    if (n >= resource.since) body[resource.name] = `/services/data/${version}/${resource.path}`;
  }
  body.identity = identityUrl;
  return body;
}

/**
 * Middleware for a resource that appeared after 31.0: older versions answer 404 NOT_FOUND, as
 * an org answers for a resource its version does not have.
 */
export function since(first: number) {
  return async (c: Context<Env>, next: () => Promise<void>) => {
    if (versionNumber(c.get('version')) < first) throw notFound();
    await next();
  };
}
