import { loadGatewayConfig } from './config.ts';
import { listenGateway } from './listen.ts';

const config = loadGatewayConfig();
const server = await listenGateway(config);
console.log(`GraphQL gateway on ${server.url}/graphql (Salesforce: ${config.instanceUrl})`);
const stop = () => void server.close().finally(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
