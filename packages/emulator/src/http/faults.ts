import { randomInt } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { bearerToken, revokeSession } from '../auth/sessions.ts';
import { isSubrequest } from '../composite/gate.ts';
import { ApiError, invalidSession } from '../errors.ts';
import type { FaultInjector, TerminalFault } from '../faults/injector.ts';
import { faultResource } from '../faults/rules.ts';
import type { Org } from '../org.ts';
import type { Env } from './app.ts';
import { jsonParserError, parseJson, toPlain } from './json.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first bytes of the body a dropped connection gets before it closes. */
const PARTIAL_BODY = '{"';

/**
 * Sends the headers and a few bytes, then destroys the socket: the client sees a connection reset
 * mid-response. Served through `@hono/node-server`, the raw response is at hand; through
 * `app.request()` (no socket), the body stream fails instead.
 */
function dropConnection(c: Context<Env>): Response {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing) {
    outgoing.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': '4096' });
    outgoing.write(PARTIAL_BODY);
    // After the bytes leave: a destroy in the same tick could discard them with the socket.
    setImmediate(() => outgoing.socket?.destroy());
    return RESPONSE_ALREADY_SENT;
  }
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(PARTIAL_BODY));
      setTimeout(() => controller.error(new Error('connection dropped (injected fault)')), 10);
    },
  });
  return new Response(stream, { status: 200, headers: { 'Content-Type': 'application/json;charset=UTF-8' } });
}

function answer(org: Org, c: Context<Env>, fault: TerminalFault): Response {
  switch (fault.kind) {
    case 'error500':
      return c.json(
        [
          {
            message: `An unexpected error occurred. Please include this ErrorId if you contact support: ${randomInt(1e9, 1e10 - 1)}-${randomInt(1e4, 1e5 - 1)} (${-randomInt(1e8, 1e9 - 1)})`,
            errorCode: 'UNKNOWN_EXCEPTION',
          },
        ],
        500,
      );
    case 'error503':
      // Salesforce's wording for a 503 is not documented (unconfirmed).
      return c.json(
        [
          {
            message: 'Server temporarily unavailable. Please try again later.',
            errorCode: 'SERVER_UNAVAILABLE',
          },
        ],
        503,
      );
    case 'requestLimit': {
      const error = new ApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
      return c.json(error.toBody(), 403);
    }
    case 'expireSession':
      // The session really ends: a retry with the same token fails too, as after a real expiry.
      revokeSession(org.db, fault.sessionToken);
      return c.json(invalidSession().toBody(), 401);
    case 'dropConnection':
      return dropConnection(c);
  }
}

/**
 * The fault middleware, registered before every route: an injected fault answers before the route
 * runs, so it never follows a partial write, and it is not counted as an API call.
 */
export function createFaultMiddleware(org: Org, injector: FaultInjector): MiddlewareHandler<Env> {
  return async (c, next) => {
    // A composite call is one call: the rules judge it as a whole, before any of its subrequests
    // runs, never one subrequest after others have written.
    if (!injector.active() || isSubrequest(c.req.raw)) return next();
    const resource = faultResource(c.req.path);
    if (!resource) return next();
    const decision = injector.decide({
      resource,
      method: c.req.method,
      sessionToken: bearerToken(c.req.header('authorization')),
    });
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (decision.fault) return answer(org, c, decision.fault);
    return next();
  };
}

async function configBody(c: Context<Env>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  return toPlain(parseJson(text).value);
}

/**
 * `/__emulator/faults`: GET the rules (with the seed in use), PUT or POST new ones (replacing the old,
 * restarting their counters and the PRNG), DELETE to clear them. The injected faults are reported
 * under `faults` in `GET /__emulator/metrics`, and reset with the other metrics.
 */
export function registerFaultRoutes(app: Hono<Env>, injector: FaultInjector): void {
  const current = (c: Context<Env>) => c.json({ ...injector.config(), metrics: injector.metrics() });
  app.get('/__emulator/faults', current);
  const set = async (c: Context<Env>) => {
    const body = await configBody(c);
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw jsonParserError('Expected a JSON object');
    try {
      injector.configure(body as never);
    } catch (error) {
      const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
      if (!issues) throw error;
      throw new ApiError(
        400,
        'INVALID_INPUT',
        issues.map((issue) => `${issue.path.map(String).join('.') || 'body'}: ${issue.message}`).join('; '),
      );
    }
    return current(c);
  };
  app.put('/__emulator/faults', set);
  app.post('/__emulator/faults', set);
  app.delete('/__emulator/faults', (c) => {
    injector.configure(undefined);
    return c.body(null, 204);
  });

  // The metrics routes belong to the test controls; the fault counts join their answers.
  app.use('/__emulator/metrics', async (c, next) => {
    await next();
    // Only once faults are in use, so that the metrics of an emulator without them keep their shape.
    if (c.req.method !== 'GET' || c.res.status !== 200) return;
    if (!injector.active() && injector.metrics().total === 0) return;
    const metrics = (await c.res.json()) as Record<string, unknown>;
    c.res = c.json({ ...metrics, faults: injector.metrics() });
  });
  const resetToo = async (c: Context<Env>, next: () => Promise<void>) => {
    await next();
    if (c.res.ok) injector.resetMetrics();
  };
  app.use('/__emulator/metrics/reset', resetToo);
  app.use('/__emulator/reset', resetToo);
}
