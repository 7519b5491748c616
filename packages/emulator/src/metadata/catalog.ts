import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ChildRelationship, FieldMeta, ObjectMeta } from './types.ts';

const STANDARD_DIR = new URL('../../metadata/standard/', import.meta.url);

const fieldTypes = [
  'id',
  'string',
  'textarea',
  'email',
  'phone',
  'url',
  'picklist',
  'multipicklist',
  'combobox',
  'boolean',
  'int',
  'double',
  'currency',
  'percent',
  'date',
  'datetime',
  'time',
  'reference',
  'base64',
  'address',
  'location',
] as const;

const fieldSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  label: z.string().optional(),
  type: z.enum(fieldTypes),
  length: z.number().int().nonnegative().optional(),
  precision: z.number().int().optional(),
  scale: z.number().int().optional(),
  nillable: z.boolean().optional(),
  createable: z.boolean().optional(),
  updateable: z.boolean().optional(),
  filterable: z.boolean().optional(),
  sortable: z.boolean().optional(),
  groupable: z.boolean().optional(),
  unique: z.boolean().optional(),
  externalId: z.boolean().optional(),
  nameField: z.boolean().optional(),
  idLookup: z.boolean().optional(),
  autoNumber: z.boolean().optional(),
  calculated: z.boolean().optional(),
  displayFormat: z.string().optional(),
  compound: z.array(z.string()).optional(),
  formula: z.string().optional(),
  defaultValue: z.union([z.string(), z.number(), z.boolean()]).optional(),
  // A value, or a value with a label that differs from it (ContentDocumentLink.ShareType `V` = Viewer).
  picklistValues: z
    .array(
      z.union([
        z.string(),
        z.strictObject({ value: z.string(), label: z.string().optional(), active: z.boolean().optional() }),
      ]),
    )
    .optional(),
  restrictedPicklist: z.boolean().optional(),
  referenceTo: z.array(z.string()).optional(),
  relationshipName: z.string().optional(),
  childRelationshipName: z.string().optional(),
  cascadeDelete: z.boolean().optional(),
  restrictedDelete: z.boolean().optional(),
});

const objectSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  label: z.string(),
  labelPlural: z.string(),
  keyPrefix: z.string().length(3),
  ownerTypes: z.array(z.string()).optional(),
  createable: z.boolean().optional(),
  updateable: z.boolean().optional(),
  deletable: z.boolean().optional(),
  queryable: z.boolean().optional(),
  searchable: z.boolean().optional(),
  requiredOneOf: z
    .array(z.strictObject({ fields: z.array(z.string()).min(2), missing: z.array(z.string()).optional() }))
    .optional(),
  fields: z.array(fieldSchema),
});

/** The metadata file format: one object, or `{ objects: [...], fields: { Account: [...] } }` for custom metadata. */
export const customMetadataSchema = z.strictObject({
  objects: z.array(objectSchema).optional(),
  fields: z.record(z.string(), z.array(fieldSchema)).optional(),
});
export type CustomMetadata = z.input<typeof customMetadataSchema>;
type RawObject = z.infer<typeof objectSchema>;
type RawField = z.infer<typeof fieldSchema>;

function labelFromName(name: string): string {
  return name
    .replace(/__c$/, '')
    .replace(/Id$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
}

function resolveField(raw: RawField): FieldMeta {
  const system = raw.autoNumber === true || raw.calculated === true;
  const custom = raw.name.endsWith('__c');
  const type = raw.type;
  const defaultLength: Partial<Record<string, number>> = {
    id: 18,
    reference: 18,
    picklist: 255,
    multipicklist: 4099,
    email: 80,
    phone: 40,
    url: 255,
    string: 255,
    textarea: 255,
  };
  return {
    name: raw.name,
    label: raw.label ?? labelFromName(raw.name),
    type,
    length: raw.length ?? defaultLength[type] ?? 0,
    precision: raw.precision ?? (type === 'currency' || type === 'double' || type === 'percent' ? 18 : 0),
    scale: raw.scale ?? (type === 'currency' || type === 'percent' ? 2 : 0),
    // Booleans are never nillable in Salesforce: they default to false.
    nillable: type === 'boolean' ? false : (raw.nillable ?? true),
    createable: raw.createable ?? !system,
    updateable: raw.updateable ?? !system,
    defaultedOnCreate: raw.defaultValue !== undefined || type === 'boolean' || raw.autoNumber === true,
    filterable: raw.filterable ?? (type !== 'textarea' || (raw.length ?? 255) <= 255),
    sortable: raw.sortable ?? (type !== 'textarea' && type !== 'multipicklist'),
    groupable:
      raw.groupable ??
      !['textarea', 'double', 'currency', 'percent', 'datetime', 'multipicklist'].includes(type),
    unique: raw.unique ?? false,
    externalId: raw.externalId ?? false,
    nameField: raw.nameField ?? false,
    // Salesforce flags Id, name fields, auto-numbers and external ids as lookup keys.
    idLookup:
      raw.idLookup ??
      (type === 'id' || raw.nameField === true || raw.autoNumber === true || raw.externalId === true),
    autoNumber: raw.autoNumber ?? false,
    calculated: raw.calculated ?? false,
    custom,
    displayFormat: raw.displayFormat ?? null,
    compound: raw.compound ?? null,
    formula: raw.formula ?? null,
    defaultValue: raw.defaultValue ?? null,
    picklistValues: (raw.picklistValues ?? []).map((entry) => {
      const value = typeof entry === 'string' ? entry : entry.value;
      return {
        value,
        label: typeof entry === 'string' ? entry : (entry.label ?? entry.value),
        active: typeof entry === 'string' ? true : (entry.active ?? true),
        defaultValue: raw.defaultValue === value,
      };
    }),
    restrictedPicklist: raw.restrictedPicklist ?? false,
    referenceTo: raw.referenceTo ?? [],
    relationshipName: raw.relationshipName ?? null,
    childRelationshipName: raw.childRelationshipName ?? null,
    cascadeDelete: raw.cascadeDelete ?? false,
    restrictedDelete: raw.restrictedDelete ?? false,
  };
}

function systemFields(raw: RawObject): RawField[] {
  const ownerTypes = raw.ownerTypes ?? ['User'];
  const fields: RawField[] = [
    {
      name: 'Id',
      type: 'id',
      label: `${raw.label} ID`,
      nillable: false,
      createable: false,
      updateable: false,
    },
    { name: 'IsDeleted', type: 'boolean', label: 'Deleted', createable: false, updateable: false },
    { name: 'CreatedDate', type: 'datetime', nillable: false, createable: false, updateable: false },
    {
      name: 'CreatedById',
      type: 'reference',
      referenceTo: ['User'],
      relationshipName: 'CreatedBy',
      nillable: false,
      createable: false,
      updateable: false,
    },
    { name: 'LastModifiedDate', type: 'datetime', nillable: false, createable: false, updateable: false },
    {
      name: 'LastModifiedById',
      type: 'reference',
      referenceTo: ['User'],
      relationshipName: 'LastModifiedBy',
      nillable: false,
      createable: false,
      updateable: false,
    },
    { name: 'SystemModstamp', type: 'datetime', nillable: false, createable: false, updateable: false },
  ];
  if (ownerTypes.length > 0) {
    // OwnerId is required but defaulted to the running user on create.
    fields.push({
      name: 'OwnerId',
      type: 'reference',
      referenceTo: ownerTypes,
      relationshipName: 'Owner',
      nillable: false,
      defaultValue: '',
    });
  }
  return fields;
}

/**
 * A geolocation field (`Location__c`, type `location`) comes with its two components,
 * `Location__Latitude__s` and `Location__Longitude__s`, as Salesforce creates them.
 */
function withGeolocationParts(fields: RawField[]): RawField[] {
  return fields.flatMap((field) => {
    if (field.type !== 'location' || field.compound) return [field];
    const base = field.name.replace(/__c$/i, '');
    const part = (axis: 'Latitude' | 'Longitude'): RawField => ({
      name: `${base}__${axis}__s`,
      label: `${field.label ?? labelFromName(field.name)} (${axis})`,
      type: 'double',
      precision: field.precision ?? 18,
      scale: field.scale ?? 15,
    });
    const latitude = part('Latitude');
    const longitude = part('Longitude');
    return [{ ...field, compound: [latitude.name, longitude.name] }, latitude, longitude];
  });
}

/**
 * Addresses and geolocations are read-only: they are written through their components, and
 * SOQL can neither filter, sort nor group on them.
 */
function compoundDefaults(field: RawField): RawField {
  if (field.type !== 'address' && field.type !== 'location') return field;
  return {
    createable: false,
    updateable: false,
    filterable: false,
    sortable: false,
    groupable: false,
    ...field,
  };
}

function resolveObject(raw: RawObject, extraFields: RawField[]): ObjectMeta {
  const declared = withGeolocationParts([...raw.fields, ...extraFields]).map(compoundDefaults);
  const names = new Set(declared.map((f) => f.name.toLowerCase()));
  // Salesforce's order: Id and IsDeleted first, the object's own fields, then owner and audit fields.
  const system = systemFields(raw).filter((f) => !names.has(f.name.toLowerCase()));
  const head = system.filter((f) => f.name === 'Id' || f.name === 'IsDeleted');
  const tail = system.filter((f) => f.name !== 'Id' && f.name !== 'IsDeleted');
  const ownerFirst = [
    ...tail.filter((f) => f.name === 'OwnerId'),
    ...tail.filter((f) => f.name !== 'OwnerId'),
  ];
  const fields = [...head, ...declared, ...ownerFirst].map(resolveField);
  return {
    name: raw.name,
    label: raw.label,
    labelPlural: raw.labelPlural,
    keyPrefix: raw.keyPrefix,
    custom: raw.name.endsWith('__c'),
    createable: raw.createable ?? true,
    updateable: raw.updateable ?? true,
    deletable: raw.deletable ?? true,
    queryable: raw.queryable ?? true,
    searchable: raw.searchable ?? true,
    ownerTypes: raw.ownerTypes ?? ['User'],
    requiredOneOf: (raw.requiredOneOf ?? []).map((rule) => ({
      fields: rule.fields,
      missing: rule.missing ?? rule.fields,
    })),
    fields,
    childRelationships: [],
  };
}

/** The org's schema: every object the emulator serves, looked up case-insensitively as Salesforce does. */
export interface Catalog {
  readonly objects: readonly ObjectMeta[];
  object(name: string): ObjectMeta | undefined;
  field(object: ObjectMeta, name: string): FieldMeta | undefined;
  /** The reference field whose relationship name is `name` (`Account` on Contact → AccountId). */
  parentRelationship(object: ObjectMeta, name: string): FieldMeta | undefined;
  childRelationship(object: ObjectMeta, name: string): ChildRelationship | undefined;
  objectByKeyPrefix(prefix: string): ObjectMeta | undefined;
}

export function loadStandardObjects(): RawObject[] {
  return readdirSync(STANDARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => objectSchema.parse(JSON.parse(readFileSync(new URL(f, STANDARD_DIR), 'utf8'))));
}

/**
 * Builds the catalogue from the standard objects' JSON files plus optional custom metadata
 * (custom objects, and custom fields added to standard objects).
 */
export function createCatalog(custom?: CustomMetadata): Catalog {
  const extra = customMetadataSchema.parse(custom ?? {});
  const raws = [...loadStandardObjects(), ...(extra.objects ?? [])];
  const objects = raws.map((raw) => resolveObject(raw, extra.fields?.[raw.name] ?? []));
  const byName = new Map(objects.map((o) => [o.name.toLowerCase(), o]));
  for (const objectName of Object.keys(extra.fields ?? {})) {
    if (!byName.has(objectName.toLowerCase()))
      throw new Error(`Custom fields given for unknown object ${objectName}`);
  }
  for (const object of objects) {
    const names = new Set(object.fields.map((f) => f.name.toLowerCase()));
    for (const field of object.fields) {
      for (const target of field.referenceTo) {
        if (!byName.has(target.toLowerCase()))
          throw new Error(`${object.name}.${field.name} refers to unknown object ${target}`);
      }
    }
    for (const field of object.fields) {
      for (const part of field.compound ?? []) {
        if (!names.has(part.toLowerCase()))
          throw new Error(`${object.name}.${field.name} is built from unknown field ${part}`);
      }
      if ((field.type === 'address' || field.type === 'location') && !field.compound) {
        throw new Error(`${object.name}.${field.name} lists no compound components`);
      }
    }
    for (const rule of object.requiredOneOf) {
      for (const name of [...rule.fields, ...rule.missing]) {
        if (!names.has(name.toLowerCase()))
          throw new Error(`${object.name}.requiredOneOf names unknown ${name}`);
      }
    }
  }
  // Two objects can share a prefix (ContentDocument and ContentNote are the same record, 069):
  // the first in alphabetical order owns it, which puts ContentDocument first, as Salesforce does.
  const byPrefix = new Map<string, ObjectMeta>();
  for (const o of objects) if (!byPrefix.has(o.keyPrefix)) byPrefix.set(o.keyPrefix, o);
  const fieldIndex = new Map(
    objects.map((o) => [o, new Map(o.fields.map((f) => [f.name.toLowerCase(), f]))]),
  );
  const parentIndex = new Map(
    objects.map((o) => [
      o,
      new Map(
        o.fields
          .filter((f) => f.relationshipName)
          .map((f) => [(f.relationshipName as string).toLowerCase(), f]),
      ),
    ]),
  );
  for (const child of objects) {
    for (const field of child.fields) {
      if (field.type !== 'reference' || !field.childRelationshipName) continue;
      for (const parentName of field.referenceTo) {
        const parent = byName.get(parentName.toLowerCase());
        if (!parent) continue;
        parent.childRelationships.push({
          childSObject: child.name,
          field: field.name,
          relationshipName: field.childRelationshipName,
          cascadeDelete: field.cascadeDelete,
          restrictedDelete: field.restrictedDelete,
        });
      }
    }
  }
  const childIndex = new Map(
    objects.map((o) => [
      o,
      new Map(
        o.childRelationships
          .filter((r) => r.relationshipName)
          .map((r) => [(r.relationshipName as string).toLowerCase(), r]),
      ),
    ]),
  );
  return {
    objects,
    object: (name) => byName.get(name.toLowerCase()),
    field: (object, name) => fieldIndex.get(object)?.get(name.toLowerCase()),
    parentRelationship: (object, name) => parentIndex.get(object)?.get(name.toLowerCase()),
    childRelationship: (object, name) => childIndex.get(object)?.get(name.toLowerCase()),
    objectByKeyPrefix: (prefix) => byPrefix.get(prefix),
  };
}
