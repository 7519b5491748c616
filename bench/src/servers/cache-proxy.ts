import { createServer } from 'node:http';

/**
 * Salesforce answered from a warm cache: each distinct GET is asked of the real instance (argv[2])
 * once, and every later identical GET is answered from memory at once. Put in front of the
 * emulator, it leaves the gateway's own cost (auth, planning, execution, JSON) as the only work.
 */
const target = process.argv[2] as string;
const cache = new Map<string, { status: number; type: string; body: Buffer }>();
const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const key = `${req.method} ${req.url} ${req.headers.authorization ?? ''}`;
  let hit = req.method === 'GET' ? cache.get(key) : undefined;
  if (!hit) {
    const response = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
      ) as Record<string, string>,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    hit = {
      status: response.status,
      type: response.headers.get('content-type') ?? 'application/json',
      body: Buffer.from(await response.arrayBuffer()),
    };
    if (req.method === 'GET' && response.ok) cache.set(key, hit);
  }
  res.writeHead(hit.status, { 'content-type': hit.type, 'content-length': hit.body.length });
  res.end(hit.body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`cache proxy on http://127.0.0.1:${address.port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
