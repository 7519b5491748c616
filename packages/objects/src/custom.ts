import type { DescribeResult, SalesforceClient } from '@sfgql/soql';
import { createOperation, deleteOperation, getOperation, searchOperation, updateOperation } from './crud.ts';
import { FIELD_KINDS } from './field-kinds.ts';
import type { Operation } from './operation.ts';
import { defineObject, type FieldKind, type FieldSpec, type ObjectSpec } from './spec.ts';

type DescribeField = DescribeResult['fields'][number] & { defaultedOnCreate?: boolean; filterable?: boolean };

const KINDS: Record<string, FieldKind> = {
  id: 'id',
  string: 'string',
  textarea: 'textarea',
  email: 'email',
  phone: 'phone',
  url: 'url',
  picklist: 'picklist',
  multipicklist: 'multipicklist',
  combobox: 'string',
  boolean: 'boolean',
  int: 'int',
  double: 'double',
  currency: 'currency',
  percent: 'percent',
  date: 'date',
  datetime: 'datetime',
  reference: 'reference',
  base64: 'base64',
};

/** A field spec from Salesforce's describe of the field. Unknown types are read as text. */
export function fieldFromDescribe(field: DescribeField): FieldSpec {
  const kind = KINDS[field.type] ?? 'string';
  const writable = field.createable || field.updateable;
  const spec: FieldSpec = {
    apiName: field.name,
    kind,
    description: field.label,
    ...(FIELD_KINDS[kind].text ? { maxLength: field.length } : {}),
    ...(field.picklistValues.length
      ? { values: field.picklistValues.filter((v) => v.active).map((v) => v.value) }
      : {}),
    ...(field.restrictedPicklist ? { restricted: true } : {}),
    ...(!field.nillable && field.createable && !field.defaultedOnCreate && kind !== 'boolean'
      ? { required: true }
      : {}),
    ...(writable ? {} : { readOnly: true }),
    ...(field.createable && !field.updateable ? { createOnly: true } : {}),
    ...(field.referenceTo.length ? { references: field.referenceTo } : {}),
  };
  // Short text can be searched; SOQL cannot filter long text areas.
  if (field.filterable !== false && (kind === 'string' || kind === 'email')) spec.search = 'like';
  if (field.filterable !== false && kind === 'phone') spec.search = 'phone';
  return spec;
}

/**
 * Adds the org's custom fields (`__c`) to a spec, keyed by their API names, as the org describes
 * them. Standard fields stay as the spec declares them.
 */
export function extendSpec(spec: ObjectSpec, describe: DescribeResult): ObjectSpec {
  const known = new Set(Object.values(spec.fields).map((f) => f.apiName.toLowerCase()));
  const custom = (describe.fields as DescribeField[]).filter(
    (f) => f.custom && !known.has(f.name.toLowerCase()),
  );
  if (custom.length === 0) return spec;
  return {
    ...spec,
    fields: { ...spec.fields, ...Object.fromEntries(custom.map((f) => [f.name, fieldFromDescribe(f)])) },
  };
}

/** A whole spec for a custom object (`Bar__c`), from its describe. */
export function customObjectSpec(describe: DescribeResult): ObjectSpec {
  const fields: Record<string, FieldSpec> = {};
  for (const f of describe.fields as DescribeField[])
    fields[f.name === 'Id' ? 'id' : f.name] = fieldFromDescribe(f);
  const nameField =
    (describe.fields as (DescribeField & { nameField?: boolean })[]).find((f) => f.nameField)?.name ?? 'id';
  return defineObject({
    apiName: describe.name,
    label: describe.label,
    labelPlural: String(describe.labelPlural ?? `${describe.label}s`),
    description: `The custom object ${describe.label}.`,
    keyPrefix: describe.keyPrefix ?? '',
    nameField,
    operations: [
      ...((describe.queryable ?? true) ? (['search', 'get'] as const) : []),
      ...(describe.createable ? (['create'] as const) : []),
      ...(describe.updateable ? (['update'] as const) : []),
      ...(describe.deletable ? (['delete'] as const) : []),
    ],
    fields,
  });
}

const FACTORIES = {
  search: searchOperation,
  get: getOperation,
  create: createOperation,
  update: updateOperation,
  delete: deleteOperation,
};

/** The generic operations a spec declares, built on that spec (so custom fields take part). */
export function genericOperations(spec: ObjectSpec): Operation[] {
  return spec.operations.map((op) => FACTORIES[op](spec));
}

export interface OrgSpecs {
  /** The given specs, extended with the org's custom fields. */
  specs: ObjectSpec[];
  /** Specs of the configured custom objects. */
  customObjects: ObjectSpec[];
}

/**
 * Describes the configured objects in the connected org and returns the specs extended with custom
 * fields, plus specs for the named custom objects. Describes are cached by the client (per org).
 */
export async function loadOrgSpecs(
  client: SalesforceClient,
  options: { specs: readonly ObjectSpec[]; customObjects?: readonly string[] },
): Promise<OrgSpecs> {
  const specs = await Promise.all(
    options.specs.map(async (spec) => extendSpec(spec, await client.describe(spec.apiName))),
  );
  const customObjects = await Promise.all(
    (options.customObjects ?? []).map(async (name) => {
      if (!/^[A-Za-z][A-Za-z0-9_]*__c$/.test(name))
        throw new TypeError(`Not a custom object name: ${JSON.stringify(name)}`);
      return customObjectSpec(await client.describe(name));
    }),
  );
  return { specs, customObjects };
}
