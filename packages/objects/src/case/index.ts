export { caseRecordSchema, getCaseByNumber } from './operations.ts';
export { caseSpec } from './spec.ts';
