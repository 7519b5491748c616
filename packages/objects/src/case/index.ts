export {
  addCaseComment,
  caseCommentsOf,
  caseOperations,
  createCase,
  createCaseFromConversation,
  deleteCase,
  getCase,
  getCaseByNumber,
  routeCaseToQueue,
  searchCases,
  updateCase,
  updateCaseStatus,
} from './operations.ts';
export { CASE_QUERY_ALLOWLIST, CASE_STATUSES, caseCommentSpec, caseSpec } from './spec.ts';
