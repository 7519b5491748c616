import { z } from 'zod';

/**
 * What a request is, for fault rules: `oauth` (`/services/oauth2/*` and identity URLs), `versions`
 * (`/services/data` and `/services/data/vXX.X`), and under a version: `query` (query and queryAll),
 * `sobjects` (rows and describe), `search` (search and parameterizedSearch), `composite`, `limits`,
 * or the first path segment of anything else.
 */
export const FAULT_RESOURCES = [
  'oauth',
  'versions',
  'query',
  'sobjects',
  'search',
  'composite',
  'limits',
] as const;

/** The resource a path belongs to (see {@link FAULT_RESOURCES}), or undefined outside the API. */
export function faultResource(path: string): string | undefined {
  const segments = path.split('/').filter(Boolean);
  if (segments[0] === 'id') return 'oauth';
  if (segments[0] !== 'services') return undefined;
  if (segments[1] === 'oauth2') return 'oauth';
  if (segments[1] !== 'data') return segments[1];
  const first = segments[3];
  if (first === undefined) return 'versions';
  if (first === 'queryAll') return 'query';
  if (first === 'parameterizedSearch') return 'search';
  return first;
}

const scope = {
  /** Resources the rule applies to (default: all). */
  resources: z.array(z.string().min(1)).min(1).optional(),
  /** HTTP methods the rule applies to (default: all). */
  methods: z
    .array(
      z
        .string()
        .min(1)
        .transform((m) => m.toUpperCase()),
    )
    .min(1)
    .optional(),
  /** Stop after injecting this many times. */
  times: z.number().int().positive().optional(),
};
const rate = z.number().min(0).max(1).default(1);
const afterCalls = z.number().int().min(0);

/** One fault rule. Rules are tried in order for each request; the first answering fault ends it. */
export const faultRuleSchema = z.discriminatedUnion('kind', [
  /** A fraction `rate` of requests answers 500 UNKNOWN_EXCEPTION. */
  z.object({ kind: z.literal('error500'), rate, ...scope }).strict(),
  /** A fraction `rate` of requests answers 503 SERVER_UNAVAILABLE. */
  z.object({ kind: z.literal('error503'), rate, ...scope }).strict(),
  /** A fraction `rate` of requests waits `ms` (plus up to `jitterMs`) before being served. */
  z
    .object({
      kind: z.literal('latency'),
      rate,
      ms: z.number().int().min(0).max(60_000),
      jitterMs: z.number().int().min(0).max(60_000).default(0),
      ...scope,
    })
    .strict(),
  /** A fraction `rate` of requests gets its headers, a few bytes, then a closed connection. */
  z.object({ kind: z.literal('dropConnection'), rate, ...scope }).strict(),
  /** Each access token serves `afterCalls` matching calls, then is expired: 401 INVALID_SESSION_ID. */
  z.object({ kind: z.literal('expireSession'), afterCalls, ...scope }).strict(),
  /** `afterCalls` matching calls are served, then every one answers 403 REQUEST_LIMIT_EXCEEDED. */
  z.object({ kind: z.literal('requestLimit'), afterCalls, ...scope }).strict(),
]);

export type FaultRule = z.output<typeof faultRuleSchema>;
export type FaultKind = FaultRule['kind'];

/** The fault configuration: the rules and the PRNG seed (random when left out, and then reported). */
export const faultConfigSchema = z
  .object({
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    rules: z.array(faultRuleSchema).max(100).default([]),
  })
  .strict();

/** Fault configuration as written by hand (defaults not applied). */
export type FaultConfig = z.input<typeof faultConfigSchema>;
