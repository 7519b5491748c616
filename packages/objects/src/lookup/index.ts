import { hasSearchableWord, sosl } from '@sfgql/soql';
import { z } from 'zod';
import { accountSpec } from '../account/spec.ts';
import { caseSpec } from '../case/spec.ts';
import { contactSpec } from '../contact/spec.ts';
import { getRecord } from '../crud.ts';
import { anyIdSchema } from '../input.ts';
import { leadSpec } from '../lead/spec.ts';
import { defineRead } from '../operation.ts';
import { opportunitySpec } from '../opportunity/spec.ts';
import { compactKeys, fromSalesforce, selectFields } from '../spec.ts';
import { STANDARD_SPECS, specOfId } from '../specs.ts';

/** Objects the global search covers, in the order results are listed. */
export const GLOBAL_SEARCH_OBJECTS = [contactSpec, leadSpec, accountSpec, opportunitySpec, caseSpec] as const;

/** Any record of the catalog by its Id alone: its key prefix names the object. */
export const getRecordById = defineRead({
  name: 'getRecordById',
  object: null,
  rest: { method: 'get', path: '/records/{Id}', rename: { id: 'Id' } },
  view: { kind: 'node' },
  summary:
    'Get any record by its Id: a contact, lead, account, opportunity, case, task, event, note, product, campaign, user, queue, ...',
  input: z.strictObject({
    id: anyIdSchema(STANDARD_SPECS.map((s) => s.apiName)).describe('The record Id.'),
  }),
  output: z.object({ type: z.string(), record: z.record(z.string(), z.unknown()) }).nullable(),
  async execute(ctx, { id }) {
    // An Id of an object outside the catalog names no record it can show.
    const spec = specOfId(id);
    const record = spec ? await getRecord(ctx, spec, id) : null;
    return spec && record ? { type: spec.apiName, record } : null;
  },
});

export const globalSearch = defineRead({
  name: 'globalSearch',
  object: null,
  rest: { method: 'get', path: '/search' },
  view: { kind: 'globalSearch' },
  summary: 'Search contacts, leads, accounts, opportunities and cases at once (Salesforce global search).',
  input: z.strictObject({
    term: z
      .string()
      .trim()
      .min(2, 'term needs at least two characters')
      .max(200)
      .refine(hasSearchableWord, 'term needs a word of at least two letters or digits')
      .describe('What to look for.')
      .meta({ examples: ['Acme'] }),
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
  rest: { method: 'get', path: '/objects/{object}/describe' },
  view: { kind: 'describe' },
  summary: "Describe an object's fields: types, whether required, and picklist values.",
  input: z.strictObject({
    object: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be an object API name, e.g. Case')
      .describe('The object, e.g. Case.')
      .meta({ examples: ['Case'] }),
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
  rest: { method: 'get', path: '/limits' },
  view: { kind: 'limits' },
  summary: "The org's API limits: daily API requests used and remaining.",
  input: z.strictObject({}),
  output: z.record(z.string(), z.object({ Max: z.number(), Remaining: z.number() })),
  execute: ({ client }) => client.limits(),
});

export const lookupOperations = [getRecordById, globalSearch, describeObject, apiLimits];
