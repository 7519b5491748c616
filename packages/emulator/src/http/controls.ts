import type { Context, Hono } from 'hono';
import { ApiError } from '../errors.ts';
import type { Org } from '../org.ts';
import { resetOrg } from '../seed/reset.ts';
import { seedScale } from '../seed/scale.ts';
import type { Env } from './app.ts';
import { jsonParserError, parseJson, toPlain } from './json.ts';

/** An optional JSON object body for a control call. */
async function options(c: Context<Env>): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  const value = toPlain(parseJson(text).value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw jsonParserError('Expected a JSON object');
  }
  return value as Record<string, unknown>;
}

const badRequest = (message: string) => new ApiError(400, 'INVALID_INPUT', message);

/**
 * Test controls, outside `/services` so that no Salesforce client can reach them by accident, and
 * without a session: reset the org, seed volume, read and reset the call metrics.
 */
export function registerControlRoutes(app: Hono<Env>, org: Org): void {
  app.post('/__emulator/reset', async (c) => {
    const { seed = 'demo' } = await options(c);
    if (seed !== 'demo' && seed !== 'none') throw badRequest('seed must be "demo" or "none"');
    resetOrg(org, seed);
    return c.json({ ok: true, seed });
  });

  app.post('/__emulator/seed', async (c) => {
    const { scale } = await options(c);
    if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 1 || scale > 1_000_000) {
      throw badRequest('scale must be an integer between 1 and 1000000');
    }
    const started = performance.now();
    const counts = seedScale(org, scale);
    return c.json({ ok: true, counts, ms: Math.round(performance.now() - started) });
  });

  app.get('/__emulator/metrics', (c) => c.json(org.meter.metrics()));

  app.post('/__emulator/metrics/reset', (c) => {
    org.meter.resetMetrics();
    return c.body(null, 204);
  });
}
