import type { Hono } from 'hono';
import { type Access, userAccess } from '../dml/dml.ts';
import type { FieldMeta, ObjectMeta } from '../metadata/types.ts';
import type { Org } from '../org.ts';
import type { Env } from './app.ts';
import { MASTER_RECORD_TYPE_ID, namedLayoutInfos } from './layouts.ts';
import { recentRecords } from './recent-tabs-theme.ts';
import { objectParam } from './sobjects.ts';

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  time: 'xsd:time',
  base64: 'xsd:base64Binary',
  address: 'urn:address',
  location: 'urn:location',
};

/** Objects Salesforce lets you merge. */
const MERGEABLE = new Set(['Account', 'Contact', 'Lead', 'Case']);

function objectUrls(version: string, object: ObjectMeta) {
  const base = `/services/data/${version}/sobjects/${object.name}`;
  return { rowTemplate: `${base}/{ID}`, describe: `${base}/describe`, sobject: base };
}

/** The urls of a full describe: the object's layouts and list views besides its rows. */
function describeUrls(version: string, object: ObjectMeta) {
  const base = `/services/data/${version}/sobjects/${object.name}`;
  return {
    compactLayouts: `${base}/describe/compactLayouts`,
    rowTemplate: `${base}/{ID}`,
    approvalLayouts: `${base}/describe/approvalLayouts`,
    listviews: `${base}/listviews`,
    describe: `${base}/describe`,
    layouts: `${base}/describe/layouts`,
    sobject: base,
  };
}

/**
 * An object's entry in describeGlobal. Describe is per user in Salesforce: a read-only user sees the
 * objects as not createable, updateable or deletable.
 */
export function globalEntry(version: string, object: ObjectMeta, access: Access) {
  const writable = access === 'full';
  return {
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    createable: writable && object.createable,
    custom: object.custom,
    customSetting: false,
    deepCloneable: false,
    deletable: writable && object.deletable,
    deprecatedAndHidden: false,
    feedEnabled: false,
    hasSubtypes: false,
    isInterface: false,
    isSubtype: false,
    keyPrefix: object.keyPrefix,
    label: object.label,
    labelPlural: object.labelPlural,
    layoutable: true,
    mergeable: writable && MERGEABLE.has(object.name),
    mruEnabled: true,
    name: object.name,
    queryable: object.queryable,
    replicateable: true,
    retrieveable: true,
    searchable: object.searchable,
    triggerable: true,
    undeletable: writable && object.deletable,
    updateable: writable && object.updateable,
    urls: objectUrls(version, object),
  };
}

/** One field as `describe` reports it, with every attribute Salesforce sends. */
export function fieldDescribe(object: ObjectMeta, field: FieldMeta, access: Access) {
  const writable = access === 'full';
  const textual = !(field.type in SOAP_TYPES);
  const compoundParent = object.fields.find((f) => f.compound?.includes(field.name));
  return {
    aggregatable:
      !['textarea', 'base64', 'multipicklist', 'address', 'location'].includes(field.type) &&
      field.filterable,
    aiPredictionField: false,
    autoNumber: field.autoNumber,
    byteLength: textual ? field.length * 3 : field.type === 'id' || field.type === 'reference' ? 18 : 0,
    calculated: field.calculated,
    calculatedFormula: field.formula,
    cascadeDelete: field.cascadeDelete,
    caseSensitive: false,
    compoundFieldName: compoundParent?.name ?? null,
    controllerName: null,
    createable: writable && field.createable,
    custom: field.custom,
    // Checkboxes report their default; picklists report theirs in picklistValues.
    defaultValue: field.type === 'boolean' ? Boolean(field.defaultValue) : null,
    defaultValueFormula: null,
    defaultedOnCreate: field.defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: field.type === 'int' ? 9 : 0,
    displayLocationInDecimal: false,
    encrypted: false,
    externalId: field.externalId,
    extraTypeInfo:
      field.type === 'textarea'
        ? 'plaintextarea'
        : field.compound && field.name === 'Name'
          ? 'personname'
          : null,
    filterable: field.filterable,
    filteredLookupInfo: null,
    formulaTreatNullNumberAsZero: false,
    groupable: field.groupable,
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: field.idLookup,
    inlineHelpText: null,
    label: field.label,
    length: textual ? field.length : 0,
    mask: null,
    maskType: null,
    name: field.name,
    nameField: field.nameField,
    namePointing: field.referenceTo.length > 1,
    nillable: field.nillable,
    permissionable: field.custom || (field.nillable && field.createable && !field.nameField),
    picklistValues: field.picklistValues.map((p) => ({ ...p, validFor: null })),
    polymorphicForeignKey: field.referenceTo.length > 1,
    precision: ['double', 'currency', 'percent'].includes(field.type) ? field.precision : 0,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: field.referenceTo,
    relationshipName: field.relationshipName,
    relationshipOrder: field.cascadeDelete && field.referenceTo.length === 1 ? 0 : null,
    restrictedDelete: field.restrictedDelete,
    restrictedPicklist: field.restrictedPicklist,
    scale: ['double', 'currency', 'percent'].includes(field.type) ? field.scale : 0,
    searchPrefilterable: false,
    soapType: SOAP_TYPES[field.type] ?? 'xsd:string',
    sortable: field.sortable,
    type: field.type,
    unique: field.unique,
    updateable: writable && field.updateable,
    writeRequiresMasterRead: false,
  };
}

/** describeGlobal, the object's basic information, and its full describe. */
export function registerDescribeRoutes(app: Hono<Env>, org: Org): void {
  app.get('/services/data/:version/sobjects', (c) => {
    const access = userAccess(org, c.get('userId'));
    return c.json({
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: org.catalog.objects.map((object) => globalEntry(c.get('version'), object, access)),
    });
  });

  app.get('/services/data/:version/sobjects/:type', (c) => {
    const object = objectParam(org, c.req.param('type'));
    const version = c.get('version');
    const userId = c.get('userId');
    return c.json({
      objectDescribe: globalEntry(version, object, userAccess(org, userId)),
      recentItems: recentRecords(org, version, userId, [object], 5),
    });
  });

  app.get('/services/data/:version/sobjects/:type/describe', (c) => {
    const object = objectParam(org, c.req.param('type'));
    const version = c.get('version');
    const access = userAccess(org, c.get('userId'));
    return c.json({
      ...globalEntry(version, object, access),
      actionOverrides: [],
      childRelationships: object.childRelationships.map((r) => ({
        cascadeDelete: r.cascadeDelete,
        childSObject: r.childSObject,
        deprecatedAndHidden: false,
        field: r.field,
        junctionIdListNames: [],
        junctionReferenceTo: [],
        relationshipName: r.relationshipName,
        restrictedDelete: r.restrictedDelete,
      })),
      compactLayoutable: true,
      fields: object.fields.map((field) => fieldDescribe(object, field, access)),
      listviewable: null,
      lookupLayoutable: null,
      namedLayoutInfos: namedLayoutInfos(object),
      networkScopeFieldName: null,
      recordTypeInfos: [
        {
          active: true,
          available: true,
          defaultRecordTypeMapping: true,
          developerName: 'Master',
          master: true,
          name: 'Master',
          recordTypeId: MASTER_RECORD_TYPE_ID,
          urls: {},
        },
      ],
      searchLayoutable: true,
      supportedScopes: [
        { label: `All ${object.labelPlural.toLowerCase()}`, name: 'everything' },
        { label: `My ${object.labelPlural.toLowerCase()}`, name: 'mine' },
      ],
      urls: describeUrls(version, object),
    });
  });
}
