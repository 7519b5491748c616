import { hasSearchableWord, sosl, toSalesforceId } from '@sfgql/soql';
import { z } from 'zod';
import { accountSpec } from '../account/spec.ts';
import { campaignSpec } from '../campaign/spec.ts';
import { caseSpec } from '../case/spec.ts';
import { contactSpec } from '../contact/spec.ts';
import { getRecord } from '../crud.ts';
import { OperationError } from '../errors.ts';
import { eventSpec } from '../event/spec.ts';
import { KEY_PREFIXES } from '../input.ts';
import { leadSpec } from '../lead/spec.ts';
import { defineRead } from '../operation.ts';
import { opportunitySpec } from '../opportunity/spec.ts';
import { productSpec } from '../product/spec.ts';
import { compactKeys, fromSalesforce, type ObjectSpec, selectFields } from '../spec.ts';
import { taskSpec } from '../task/spec.ts';
import { userSpec } from '../user/spec.ts';

/** Objects a record can be looked up on by Id alone, found from the Id's key prefix. */
const BY_PREFIX: ReadonlyMap<string, ObjectSpec> = new Map(
  [
    contactSpec,
    leadSpec,
    accountSpec,
    opportunitySpec,
    caseSpec,
    taskSpec,
    eventSpec,
    productSpec,
    campaignSpec,
    userSpec,
  ].map((s) => [s.keyPrefix, s]),
);

/** Objects the global search covers, in the order results are listed. */
export const GLOBAL_SEARCH_OBJECTS = [contactSpec, leadSpec, accountSpec, opportunitySpec, caseSpec] as const;

export const getRecordById = defineRead({
  name: 'getRecordById',
  object: null,
  summary:
    'Get any contact, lead, account, opportunity, case, task, event, product, campaign or user by its Id.',
  input: z.strictObject({
    id: z
      .string()
      .trim()
      .refine((v) => toSalesforceId(v) !== null, 'must be a 15- or 18-character Salesforce Id')
      .describe('The record Id.'),
  }),
  output: z.object({ type: z.string(), record: z.record(z.string(), z.unknown()) }).nullable(),
  async execute(ctx, { id }) {
    const full = toSalesforceId(id) as string;
    const spec = BY_PREFIX.get(full.slice(0, 3));
    if (!spec)
      throw new OperationError(
        'INVALID_INPUT',
        `✖ ${id} is not the Id of a record this operation can look up\n  → at id`,
      );
    const record = await getRecord(ctx, spec, full);
    return record ? { type: spec.apiName, record } : null;
  },
});

export const globalSearch = defineRead({
  name: 'globalSearch',
  object: null,
  summary: 'Search contacts, leads, accounts, opportunities and cases at once (Salesforce global search).',
  input: z.strictObject({
    term: z
      .string()
      .trim()
      .min(2, 'term needs at least two characters')
      .max(200)
      .refine(hasSearchableWord, 'term needs a word of at least two letters or digits')
      .describe('What to look for.'),
    objects: z
      .array(z.enum(GLOBAL_SEARCH_OBJECTS.map((s) => s.apiName) as [string, ...string[]]))
      .min(1)
      .optional()
      .describe('Limit the search to these objects.'),
    limit: z.int().min(1).max(50).default(20),
  }),
  output: z.object({
    records: z.array(z.object({ type: z.string(), record: z.record(z.string(), z.unknown()) })),
  }),
  async execute({ client }, { term, objects, limit }) {
    const specs = GLOBAL_SEARCH_OBJECTS.filter((s) => !objects || objects.includes(s.apiName));
    const statement = sosl.find(term, {
      in: 'ALL',
      returning: specs.map((s) => ({ object: s.apiName, fields: selectFields(s, compactKeys(s)) })),
      limit,
      prefix: true,
    });
    const found = await client.search(statement);
    return {
      records: found.map((r) => {
        const spec = specs.find((s) => s.apiName === r.attributes?.type) ?? contactSpec;
        return { type: spec.apiName, record: fromSalesforce(spec, r, compactKeys(spec)) };
      }),
    };
  },
});

export const describeObject = defineRead({
  name: 'describeObject',
  object: null,
  summary: "Describe an object's fields: types, whether required, and picklist values.",
  input: z.strictObject({
    object: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be an object API name, e.g. Case')
      .describe('The object, e.g. Case.'),
  }),
  output: z.object({
    name: z.string(),
    label: z.string(),
    fields: z.array(
      z.object({
        name: z.string(),
        label: z.string(),
        type: z.string(),
        required: z.boolean(),
        updateable: z.boolean(),
        picklistValues: z.array(z.string()),
      }),
    ),
  }),
  async execute({ client }, { object }) {
    const describe = await client.describe(object);
    return {
      name: describe.name,
      label: describe.label,
      fields: describe.fields.map((f) => ({
        name: f.name,
        label: f.label,
        type: f.type,
        // Required on create: not nillable, creatable, and not defaulted by Salesforce.
        required: !f.nillable && f.createable && !(f as { defaultedOnCreate?: boolean }).defaultedOnCreate,
        updateable: f.updateable,
        picklistValues: f.picklistValues.filter((v) => v.active).map((v) => v.value),
      })),
    };
  },
});

export const apiLimits = defineRead({
  name: 'apiLimits',
  object: null,
  summary: "The org's API limits: daily API requests used and remaining.",
  input: z.strictObject({}),
  output: z.record(z.string(), z.object({ Max: z.number(), Remaining: z.number() })),
  execute: ({ client }) => client.limits(),
});

export const lookupOperations = [getRecordById, globalSearch, describeObject, apiLimits];
export { KEY_PREFIXES };
