import { createServer } from 'node:http';
import { loadGatewayConfig } from './config.ts';
import { createGateway } from './yoga.ts';

const config = loadGatewayConfig();
const server = createServer(createGateway(config));
server.listen(config.port, config.host, () => {
  console.log(
    `GraphQL gateway on http://${config.host}:${config.port}/graphql (Salesforce: ${config.instanceUrl})`,
  );
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
