export {
  COLLECTION_LIMIT,
  type CollectionResult,
  type CreatedRecord,
  createDescribeCache,
  createSalesforceClient,
  DEFAULT_API_VERSION,
  type DescribeCache,
  type DescribeResult,
  httpDate,
  MAX_QUERIES_PER_COMPOSITE,
  MAX_QUERY_URL_BYTES,
  MAX_SOQL_LENGTH,
  type QueryOptions,
  type QueryResult,
  type RawAnswer,
  type RawRequest,
  type RecordChange,
  type SalesforceClient,
  type SalesforceClientOptions,
  type SalesforceRecord,
  type SaveResult,
} from './client.ts';
export { isSalesforceError, SalesforceError, type SalesforceErrorCode, toSalesforceError } from './errors.ts';
export { escapeSoqlLike, escapeSoqlString } from './escape.ts';
export { isSalesforceId, toSalesforceId } from './ids.ts';
export { type JsforceConnectionLike, sessionFromJsforce } from './jsforce.ts';
export { IDS_PER_STATEMENT, idBatches, loadChildrenByParentId, loadRecordsById } from './loaders.ts';
export {
  type ApiBudget,
  type ApiMeter,
  createApiBudget,
  createApiMeter,
  type MeterSnapshot,
} from './meter.ts';
export {
  type ChildSelection,
  type DeferredPart,
  MAX_CHILD_LEVELS,
  MAX_PARENT_DEPTH,
  MAX_SUBQUERIES,
  type PlanOptions,
  planQuery,
  type QueryPlan,
  type RootSelection,
  type Selection,
} from './planner.ts';
export { withoutAttributes } from './records.ts';
export { DEFAULT_RETRY, type RetryPolicy } from './retry.ts';
export { isCalendarDate, SoqlFragment, type SoqlScalar, type SoqlValue, soql } from './soql.ts';
export {
  escapeSoslTerm,
  type FindOptions,
  hasSearchableWord,
  type Returning,
  type SearchScope,
  SoslStatement,
  sosl,
} from './sosl.ts';
export {
  type SoqlAllowlist,
  type ValidateOptions,
  type ValidationResult,
  validateReadOnlySoql,
} from './validate.ts';
