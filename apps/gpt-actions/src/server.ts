import { loadActionsConfig } from './config.ts';
import { listenActions } from './listen.ts';

const config = loadActionsConfig();
const server = await listenActions(config);
console.log(
  `GPT Actions adapter on ${server.url}/openapi (profiles) and ${server.url}/openapi.json (Salesforce: ${config.instanceUrl})`,
);
const stop = () => void server.close().finally(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
