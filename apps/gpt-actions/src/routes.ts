import type { Operation } from '@sfgql/objects/operation';
import type { Method, OperationRoute } from './binding.ts';

const typeName = (label: string) => label.replace(/[^A-Za-z0-9]/g, '');
const kebab = (label: string) =>
  label
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');

/** Routes of the operations that are not one of an object's generic five. */
const SPECIAL: Readonly<Record<string, `${Uppercase<Method>} /${string}`>> = {
  getCaseDetailsFromNumber: 'GET /cases/by-number/{CaseNumber}',
  updateCaseStatus: 'PATCH /cases/{Id}/status',
  createCaseFromConversation: 'POST /cases/from-conversation',
  addCaseComment: 'POST /cases/{caseId}/comments',
  listCaseComments: 'GET /cases/{caseId}/comments',
  routeCaseToQueue: 'PATCH /cases/{caseId}/queue',
  logCall: 'POST /tasks/calls',
  scheduleEvent: 'POST /events',
  searchKnowledge: 'GET /knowledge-articles',
  getKnowledgeArticle: 'GET /knowledge-articles/article',
  listQueues: 'GET /queues',
  addProductToOpportunity: 'POST /opportunities/{OpportunityId}/products',
  removeProductFromOpportunity: 'DELETE /opportunity-products/{Id}',
  addCampaignMember: 'POST /campaigns/{CampaignId}/members',
  removeCampaignMember: 'DELETE /campaign-members/{Id}',
  getRecordById: 'GET /records/{Id}',
  globalSearch: 'GET /search',
  describeObject: 'GET /objects/{object}/describe',
  apiLimits: 'GET /limits',
};

/** Keys named otherwise than by the convention, per operation. */
const RENAME: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // Cross-object: no spec names its Id, so it is named as every other Id is.
  getRecordById: { id: 'Id' },
};

/**
 * The REST route of an operation of the typed profiles. An object's generic operations are
 * `GET /{objects}` (search), `GET /{objects}/{Id}`, `POST /{objects}`, `PATCH /{objects}/{Id}` and
 * `DELETE /{objects}/{Id}`, where `{objects}` is the object's plural label in kebab case; the
 * special operations have a route of their own under the object they are about.
 */
export function routeOf(op: Operation): OperationRoute {
  const rename = RENAME[op.name];
  const special = SPECIAL[op.name];
  if (special) {
    const [method, path] = special.split(' ') as [string, string];
    return { method: method.toLowerCase() as Method, path, ...(rename ? { rename } : {}) };
  }
  const spec = op.object;
  if (spec) {
    const base = `/${kebab(spec.labelPlural)}`;
    const generic: Record<string, OperationRoute> = {
      [`search${typeName(spec.labelPlural)}`]: { method: 'get', path: base },
      [`get${typeName(spec.label)}`]: { method: 'get', path: `${base}/{Id}` },
      [`create${typeName(spec.label)}`]: { method: 'post', path: base },
      [`update${typeName(spec.label)}`]: { method: 'patch', path: `${base}/{Id}` },
      [`delete${typeName(spec.label)}`]: { method: 'delete', path: `${base}/{Id}` },
    };
    const route = generic[op.name];
    if (route) return route;
  }
  throw new Error(`No REST route for the operation ${op.name}: add it to the special routes`);
}
