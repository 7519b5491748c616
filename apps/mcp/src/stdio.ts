#!/usr/bin/env node
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { loadMcpConfig } from './config.ts';
import { runStdio } from './stdio-server.ts';

/**
 * `sfgql-mcp`: the MCP server over stdio for desktop clients (Claude Desktop, Cursor), acting as
 * the integration user of the `SF_*` settings. stdout carries the protocol; logs go to stderr.
 */
try {
  const config = loadMcpConfig(process.env, 'stdio');
  const running = await runStdio(config, new StdioServerTransport(), { logDestination: process.stderr });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void running.close().finally(() => process.exit(0));
  };
  // The client ends the session by closing our stdin (then SIGTERM if we linger).
  process.stdin.once('end', stop);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
