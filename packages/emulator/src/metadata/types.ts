/** Salesforce field types the emulator knows, as `describe` reports them. */
export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'multipicklist'
  | 'combobox'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'time'
  | 'reference'
  | 'base64'
  /** A compound address (`BillingAddress`): read-only, built from its components, never stored. */
  | 'address'
  /** A compound geolocation (`Location__c`): read-only, built from its latitude and longitude. */
  | 'location';

export interface PicklistValue {
  value: string;
  label: string;
  active: boolean;
  defaultValue: boolean;
}

/** One field, fully resolved (every attribute present) from the metadata JSON. */
export interface FieldMeta {
  name: string;
  label: string;
  type: FieldType;
  length: number;
  precision: number;
  scale: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  filterable: boolean;
  sortable: boolean;
  groupable: boolean;
  unique: boolean;
  externalId: boolean;
  nameField: boolean;
  /** Usable to identify a record in an upsert (`PATCH /sobjects/X/Field/value`) besides external ids. */
  idLookup: boolean;
  autoNumber: boolean;
  calculated: boolean;
  custom: boolean;
  /** Format of an auto-number field, e.g. `{00000000}`. */
  displayFormat: string | null;
  /**
   * For a compound field, the fields it is built from: a name (Contact.Name, stored as their
   * concatenation), an address or a geolocation (not stored: read from the components).
   */
  compound: string[] | null;
  /** For a calculated boolean, a tiny formula of the form `Field = 'value'`. */
  formula: string | null;
  defaultValue: string | number | boolean | null;
  picklistValues: PicklistValue[];
  restrictedPicklist: boolean;
  referenceTo: string[];
  relationshipName: string | null;
  /** Name of the child relationship on each referenced object (`Contact.AccountId` → `Contacts`). */
  childRelationshipName: string | null;
  cascadeDelete: boolean;
  /** Deleting the parent fails while children point to it through this field (Case.ContactId). */
  restrictedDelete: boolean;
}

export interface ChildRelationship {
  childSObject: string;
  field: string;
  relationshipName: string | null;
  cascadeDelete: boolean;
  restrictedDelete: boolean;
}

/**
 * A requirement that at least one of several fields be set on create (Event: an end or a duration;
 * CampaignMember: a contact or a lead). `missing` is what REQUIRED_FIELD_MISSING reports.
 */
export interface RequiredOneOf {
  fields: string[];
  missing: string[];
}

export interface ObjectMeta {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  queryable: boolean;
  searchable: boolean;
  /** Types an OwnerId may point to; empty when the object has no owner. */
  ownerTypes: string[];
  /** Create-time requirements that involve several fields. */
  requiredOneOf: RequiredOneOf[];
  fields: FieldMeta[];
  childRelationships: ChildRelationship[];
}

/** True for the compound fields that have no column of their own (addresses, geolocations). */
export function isVirtualCompound(field: FieldMeta): boolean {
  return field.type === 'address' || field.type === 'location';
}

/** The fields of an object that have a column in its table. */
export function storedFields(object: ObjectMeta): FieldMeta[] {
  return object.fields.filter((field) => !isVirtualCompound(field));
}
