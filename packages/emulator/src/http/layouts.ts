/**
 * Describe layouts: page layouts (`/describe/layouts`, by record type, and User's named layout
 * `UserAlt`), compact layouts (`/describe/compactLayouts`, `/compactLayouts?q=`) and approval
 * layouts (`/describe/approvalLayouts`).
 *
 * The emulator's orgs have no layout editor: each object has one layout, built from its
 * metadata in Salesforce's shape (one "Information" section with every field users fill in, two
 * columns, and a related list per child relationship), one compact layout (the name field and the
 * first few identifying fields, Salesforce's "System Default") and no approval processes.
 */
import type { Hono } from 'hono';
import { userAccess } from '../dml/dml.ts';
import { ApiError } from '../errors.ts';
import { makeId } from '../ids.ts';
import type { Catalog } from '../metadata/catalog.ts';
import type { FieldMeta, ObjectMeta } from '../metadata/types.ts';
import type { Org } from '../org.ts';
import type { Env } from './app.ts';
import { fieldDescribe } from './describe.ts';
import { objectParam } from './sobjects.ts';

/** Salesforce's Master record type, the only one the emulator's objects have. */
export const MASTER_RECORD_TYPE_ID = '012000000000000AAA';

const SYSTEM_FIELDS = new Set([
  'Id',
  'IsDeleted',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
]);

/**
 * The fields a page layout shows, system fields aside: a compound field (a name, an address) where
 * the record is shown, its components where it is edited.
 */
function layoutFields(object: ObjectMeta, mode: 'detail' | 'edit'): FieldMeta[] {
  const parts = new Set(object.fields.flatMap((f) => f.compound ?? []));
  return object.fields.filter(
    (f) =>
      !SYSTEM_FIELDS.has(f.name) &&
      (mode === 'detail' ? !parts.has(f.name) : !f.compound && (f.createable || f.updateable)),
  );
}

/** The name field, then up to three fields that identify a record (phone, e-mail, picklists). */
export function compactFields(object: ObjectMeta): FieldMeta[] {
  const name = object.fields.find((f) => f.nameField);
  const rest = layoutFields(object, 'detail').filter(
    (f) => f !== name && ['phone', 'email', 'picklist', 'string'].includes(f.type) && !f.custom,
  );
  return [...(name ? [name] : []), ...rest.slice(0, 3)];
}

/** A layout id per object, stable across restarts (`00h` layouts, `0AH` compact layouts). */
function layoutId(catalog: Catalog, object: ObjectMeta, prefix: '00h' | '0AH'): string {
  return makeId(prefix, catalog.objects.indexOf(object) + 1);
}

type Access = ReturnType<typeof userAccess>;

function layoutItem(object: ObjectMeta, field: FieldMeta | undefined, access: Access, tabOrder: number) {
  if (!field) {
    return {
      editableForNew: false,
      editableForUpdate: false,
      label: '',
      layoutComponents: [],
      placeholder: true,
      required: false,
    };
  }
  const writable = access === 'full';
  return {
    editableForNew: writable && field.createable,
    editableForUpdate: writable && field.updateable,
    label: field.label,
    layoutComponents: [
      {
        details: fieldDescribe(object, field, access),
        displayLines: 1,
        tabOrder,
        type: 'Field',
        value: field.name,
      },
    ],
    placeholder: false,
    required: !field.nillable && !field.defaultedOnCreate && field.createable,
  };
}

function section(object: ObjectMeta, fields: FieldMeta[], access: Access, heading: string) {
  const rows = [];
  for (let i = 0; i < fields.length; i += 2) {
    rows.push({
      layoutItems: [
        layoutItem(object, fields[i], access, i + 1),
        layoutItem(object, fields[i + 1], access, i + 2),
      ],
      numItems: 2,
    });
  }
  return {
    collapsed: false,
    columns: 2,
    heading,
    layoutRows: rows,
    layoutSectionId: null,
    parentLayoutId: null,
    rows: rows.length,
    tabOrder: 'TopToBottom',
    useCollapsibleSection: false,
    useHeading: true,
  };
}

/** One page layout of an object, in the shape of `DescribeLayout`. */
function pageLayout(org: Org, object: ObjectMeta, access: Access) {
  return {
    buttonLayoutSection: { detailButtons: [] },
    detailLayoutSections: [section(object, layoutFields(object, 'detail'), access, 'Information')],
    editLayoutSections: [section(object, layoutFields(object, 'edit'), access, 'Information')],
    feedView: null,
    highlightsPanelLayoutSection: null,
    id: layoutId(org.catalog, object, '00h'),
    multirowEditLayoutSections: [],
    offlineLinks: [],
    quickActionList: { quickActionListItems: [] },
    relatedContent: null,
    relatedLists: object.childRelationships
      .filter((r) => r.relationshipName)
      .map((r) => {
        const child = org.catalog.object(r.childSObject) as ObjectMeta;
        const name = child.fields.find((f) => f.nameField);
        return {
          accessLevelRequiredForCreate: null,
          buttons: [],
          columns: name
            ? [
                {
                  field: `${child.name}.${name.name}`,
                  fieldApiName: name.name,
                  format: null,
                  label: name.label,
                  lookupId: 'Id',
                  name: name.name,
                  sortable: name.sortable,
                },
              ]
            : [],
          custom: child.custom,
          field: r.field,
          label: child.labelPlural,
          limitRows: 5,
          name: r.relationshipName,
          sobject: child.name,
          sort: [],
        };
      }),
    saveOptions: [],
  };
}

function recordTypeMapping(org: Org, version: string, object: ObjectMeta) {
  return {
    available: true,
    defaultRecordTypeMapping: true,
    developerName: 'Master',
    layoutId: layoutId(org.catalog, object, '00h'),
    master: true,
    name: 'Master',
    picklistsForRecordType: object.fields
      .filter((f) => f.type === 'picklist' || f.type === 'multipicklist')
      .map((f) => ({
        picklistName: f.name,
        picklistValues: f.picklistValues.map((p) => ({ ...p, validFor: null })),
      })),
    recordTypeId: MASTER_RECORD_TYPE_ID,
    urls: {
      layout: `/services/data/${version}/sobjects/${object.name}/describe/layouts/${MASTER_RECORD_TYPE_ID}`,
    },
  };
}

/** One compact layout of an object, in the shape of `DescribeCompactLayout`. */
export function compactLayout(object: ObjectMeta, access: Access) {
  return {
    actions: [],
    fieldItems: compactFields(object).map((field, i) => layoutItem(object, field, access, i + 1)),
    id: null,
    imageItems: [],
    label: 'System Default',
    name: 'SYSTEM',
    objectType: object.name,
  };
}

/** Named layouts Salesforce has besides the page layouts: User's `UserAlt`. */
const NAMED_LAYOUTS: Record<string, string[]> = { User: ['UserAlt'] };

export function namedLayoutInfos(object: ObjectMeta) {
  return (NAMED_LAYOUTS[object.name] ?? []).map((name) => ({ name }));
}

export function registerLayoutRoutes(app: Hono<Env>, org: Org): void {
  const BASE = '/services/data/:version/sobjects/:type/describe';

  app.get(`${BASE}/layouts`, (c) => {
    const object = objectParam(org, c.req.param('type'));
    const access = userAccess(org, c.get('userId'));
    return c.json({
      layouts: [pageLayout(org, object, access)],
      recordTypeMappings: [recordTypeMapping(org, c.get('version'), object)],
      recordTypeSelectorRequired: [false],
    });
  });

  app.get(`${BASE}/layouts/:recordTypeId`, (c) => {
    const object = objectParam(org, c.req.param('type'));
    if (c.req.param('recordTypeId').slice(0, 15) !== MASTER_RECORD_TYPE_ID.slice(0, 15)) {
      // (unconfirmed) wording.
      throw new ApiError(404, 'NOT_FOUND', `Invalid record type id: ${c.req.param('recordTypeId')}`);
    }
    return c.json(pageLayout(org, object, userAccess(org, c.get('userId'))));
  });

  app.get(`${BASE}/namedLayouts/:name`, (c) => {
    const object = objectParam(org, c.req.param('type'));
    const name = (NAMED_LAYOUTS[object.name] ?? []).find(
      (n) => n.toLowerCase() === c.req.param('name').toLowerCase(),
    );
    if (!name) {
      // (unconfirmed) wording.
      throw new ApiError(404, 'NOT_FOUND', `No such named layout: ${c.req.param('name')}`);
    }
    return c.json({
      layouts: [pageLayout(org, object, userAccess(org, c.get('userId')))],
      recordTypeMappings: [],
      recordTypeSelectorRequired: [false],
    });
  });

  app.get(`${BASE}/compactLayouts`, (c) => {
    const object = objectParam(org, c.req.param('type'));
    return c.json({
      compactLayouts: [compactLayout(object, userAccess(org, c.get('userId')))],
      defaultCompactLayoutId: null,
      recordTypeCompactLayoutMappings: [
        {
          available: true,
          compactLayoutId: null,
          compactLayoutName: 'SYSTEM',
          recordTypeId: MASTER_RECORD_TYPE_ID,
          recordTypeName: 'Master',
          urls: {
            compactLayout: `/services/data/${c.get('version')}/sobjects/${object.name}/describe/compactLayouts/${MASTER_RECORD_TYPE_ID}`,
          },
        },
      ],
    });
  });

  app.get(`${BASE}/compactLayouts/:which`, (c) => {
    const object = objectParam(org, c.req.param('type'));
    const which = c.req.param('which');
    if (which !== 'primary' && which.slice(0, 15) !== MASTER_RECORD_TYPE_ID.slice(0, 15)) {
      // (unconfirmed) wording.
      throw new ApiError(404, 'NOT_FOUND', `Invalid record type id: ${which}`);
    }
    return c.json(compactLayout(object, userAccess(org, c.get('userId'))));
  });

  app.get(`${BASE}/approvalLayouts`, (c) => {
    objectParam(org, c.req.param('type'));
    return c.json({ approvalLayouts: [] });
  });

  app.get(`${BASE}/approvalLayouts/:name`, (c) => {
    objectParam(org, c.req.param('type'));
    // (unconfirmed) wording: the emulator's orgs have no approval processes.
    throw new ApiError(404, 'NOT_FOUND', `No approval process named ${c.req.param('name')}`);
  });

  /** `GET /compactLayouts?q=Account,Contact`: the primary compact layout of each object named. */
  app.get('/services/data/:version/compactLayouts', (c) => {
    const names = (c.req.query('q') ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    if (names.length === 0) {
      // (unconfirmed) code and wording.
      throw new ApiError(
        400,
        'MISSING_ARGUMENT',
        'Missing required query parameter q: a list of object names',
      );
    }
    const access = userAccess(org, c.get('userId'));
    const body: Record<string, unknown> = {};
    for (const name of names) {
      const object = org.catalog.object(name);
      if (!object) {
        throw new ApiError(
          400,
          'INVALID_TYPE',
          `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      }
      body[object.name] = compactLayout(object, access);
    }
    return c.json(body);
  });
}
