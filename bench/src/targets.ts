import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { percentile } from './results.ts';

/** One measurement of a target at a number of concurrent clients. */
export interface Measured {
  /**
   * Mean latency in ms from Little's law (clients × 1000 ÷ req/s), exact for a closed loop of
   * clients; autocannon keeps latencies in whole milliseconds, too coarse for a ratio below 2 ms.
   */
  mean: number;
  p50: number;
  p99: number;
  rps: number;
  requests: number;
  errors: number;
}

/** Something the benchmark loads: checked once, then measured at each number of clients. */
export interface Target {
  id: string;
  title: string;
  /** One request, checked, before the load. */
  check(): Promise<void>;
  run(connections: number, seconds: number): Promise<Measured>;
}

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** The body, or one made per request (a JSON-RPC id of its own, say). */
  body?: string | (() => string);
}

const bodyOf = (request: HttpRequest) => (typeof request.body === 'function' ? request.body() : request.body);

/**
 * An HTTP request loaded by autocannon from this process; `expected` is a text every answer holds
 * (checked on the first one), and every answer must be a 2xx.
 */
export function httpTarget(id: string, title: string, request: HttpRequest, expected: string): Target {
  return {
    id,
    title,
    async check() {
      const body = bodyOf(request);
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers ?? {},
        ...(body ? { body } : {}),
      });
      const text = await response.text();
      if (
        !response.ok ||
        !text.includes(expected) ||
        text.includes('"errors"') ||
        text.includes('"isError":true')
      )
        throw new Error(`${title}: ${response.status} ${text.slice(0, 300)}`);
    },
    async run(connections, seconds) {
      const body = request.body;
      const result = await autocannon({
        url: request.url,
        method: request.method,
        headers: request.headers ?? {},
        ...(typeof body === 'string' ? { body } : {}),
        ...(typeof body === 'function'
          ? { requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }] }
          : {}),
        connections,
        duration: seconds,
      });
      return {
        mean: Math.round(((connections * 1000) / result.requests.average) * 100) / 100,
        p50: result.latency.p50,
        p99: result.latency.p99,
        rps: result.requests.average,
        requests: result.requests.total,
        errors: result.errors + result.timeouts + result.non2xx,
      };
    },
  };
}

/**
 * A client library's call, run from this process as a closed loop of N concurrent callers, each
 * timed per call; `caller` makes one caller (its own connection or session, when it has one).
 */
export function loopTarget(id: string, title: string, caller: () => Promise<() => Promise<void>>): Target {
  return {
    id,
    title,
    check: async () => (await caller())(),
    async run(connections, seconds) {
      const callers = await Promise.all(Array.from({ length: connections }, caller));
      const latencies: number[] = [];
      let errors = 0;
      const until = performance.now() + seconds * 1000;
      await Promise.all(
        callers.map(async (once) => {
          while (performance.now() < until) {
            const t = performance.now();
            try {
              await once();
              latencies.push(performance.now() - t);
            } catch {
              errors++;
            }
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      const mean = (connections * 1000 * seconds) / Math.max(1, latencies.length);
      return {
        mean: Math.round(mean * 100) / 100,
        p50: Math.round(percentile(latencies, 50)),
        p99: Math.round(percentile(latencies, 99)),
        rps: Math.round(latencies.length / seconds),
        requests: latencies.length,
        errors,
      };
    },
  };
}

/**
 * The load benches' flags: `--duration` (seconds per measurement, 5) and `--connections` (the
 * numbers of concurrent clients, comma-separated).
 */
export function loadFlags(defaultConnections: string): { duration: number; levels: number[] } {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: defaultConnections },
    },
  });
  return { duration: Number(values.duration), levels: String(values.connections).split(',').map(Number) };
}

/** The case every load bench looks up. */
export const CASE_NUMBER = '00001104';

/** The gateway's GraphQL request body for that case. */
export const CASE_LOOKUP_GRAPHQL = JSON.stringify({
  query: `{ case(caseNumber: "${CASE_NUMBER}") { id caseNumber subject status } }`,
});
