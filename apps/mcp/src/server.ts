import { loadMcpConfig } from './config.ts';
import { ANONYMOUS_WARNING, listenMcp } from './listen.ts';

const config = loadMcpConfig();
const server = await listenMcp(config);
console.log(
  `MCP server on ${server.url}/mcp (toolset ${config.toolset}; /mcp/{toolset} for another) (Salesforce: ${config.instanceUrl})`,
);
// Said on the terminal too, not only in the JSON log: anyone on this machine acts as the integration user.
if (server.anonymous) console.warn(`\n!!! ${ANONYMOUS_WARNING}\n`);
const stop = () => void server.close().finally(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
