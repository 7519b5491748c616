import type { Plugin } from 'graphql-yoga';

/**
 * `/healthz` answers while the process runs; `/readyz` answers 200 only when Salesforce does (its
 * unauthenticated list of API versions), so a load balancer stops sending work when the org is
 * out of reach.
 */
export function useHealth(options: { instanceUrl: string; fetch?: typeof fetch }): Plugin {
  const fetcher = options.fetch ?? fetch;
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/healthz') {
        endResponse(fetchAPI.Response.json({ status: 'ok' }));
      } else if (url.pathname === '/readyz') {
        let ready = false;
        try {
          const response = await fetcher(new URL('/services/data', options.instanceUrl), {
            signal: AbortSignal.timeout(5_000),
          });
          await response.body?.cancel();
          ready = response.ok;
        } catch {
          ready = false;
        }
        endResponse(
          fetchAPI.Response.json(
            { status: ready ? 'ready' : 'unavailable', salesforce: ready ? 'up' : 'unreachable' },
            { status: ready ? 200 : 503 },
          ),
        );
      }
    },
  };
}
