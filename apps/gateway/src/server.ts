import { loadGatewayConfig } from './config.ts';
import { ANONYMOUS_WARNING, listenGateway } from './listen.ts';

const config = loadGatewayConfig();
const server = await listenGateway(config);
console.log(`GraphQL gateway on ${server.url}/graphql (Salesforce: ${config.instanceUrl})`);
// Said on the terminal too, not only in the JSON log: anyone on this machine acts as the integration user.
if (server.anonymous) console.warn(`\n!!! ${ANONYMOUS_WARNING}\n`);
const stop = () => void server.close().finally(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
