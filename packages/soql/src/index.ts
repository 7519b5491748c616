export {
  createSalesforceClient,
  DEFAULT_API_VERSION,
  type QueryResult,
  type SalesforceClient,
  type SalesforceClientOptions,
  type SalesforceRecord,
} from './client.ts';
export { isSalesforceError, SalesforceError, type SalesforceErrorCode, toSalesforceError } from './errors.ts';
export { escapeSoqlLike, escapeSoqlString } from './escape.ts';
export { SoqlFragment, type SoqlScalar, type SoqlValue, soql } from './soql.ts';
