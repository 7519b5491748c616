import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

/**
 * A bare GraphQL Yoga endpoint answering the case lookup with a constant: what Yoga itself costs
 * (HTTP, parsing, validation, execution, JSON), with no Salesforce, no auth and no plugins.
 */
const CASE = {
  id: '5005g0000000004AAA',
  caseNumber: '00001104',
  subject: 'Billing discrepancy on invoice',
  status: 'New',
};
const yoga = createYoga({
  schema: createSchema({
    typeDefs: `type Case { id: ID! caseNumber: String subject: String status: String }
      type Query { case(caseNumber: String): Case }`,
    resolvers: { Query: { case: () => CASE } },
  }),
  graphqlEndpoint: '/graphql',
  landingPage: false,
  logging: false,
});
const server = createServer(yoga);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object')
    console.log(`bare Yoga on http://127.0.0.1:${address.port}/graphql`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
