import type { FieldSpec, ObjectSpec } from '@sfgql/objects/spec';
import { STANDARD_SPECS } from '@sfgql/objects/specs';

/** How one object appears in the graph. */
export interface ObjectConfig {
  spec: ObjectSpec;
  /** The GraphQL type name: Salesforce's object name, or the name people use (Queue for a Group). */
  typeName: string;
  /** Root field for one record (`contact`). */
  single: string;
  /** Root connection field (`contacts`). */
  plural: string;
  /** GraphQL field name → what it reads. */
  fields: Map<string, FieldDef>;
}

export interface ScalarDef {
  kind: 'scalar';
  /** The spec's key (`lastName`, or a custom field's API name). */
  key: string;
  field: FieldSpec;
}

export interface ParentDef {
  kind: 'parent';
  /** Salesforce's relationship name (`Account`, `Owner`, `Contact__r`). */
  relationship: string;
  /** The lookup's API name (`AccountId`). */
  foreignKey: string;
  /** The objects it may point to (one, or several for a polymorphic lookup). */
  targets: readonly [ObjectConfig, ...ObjectConfig[]];
  /** For a lookup to several objects: the interface or union the field returns. */
  abstractType: string | null;
}

export interface ChildrenDef {
  kind: 'children';
  /** Salesforce's child relationship name (`Cases` on Contact). */
  relationship: string;
  child: ObjectConfig;
  /** The lookup on the child that points back (`ContactId`). */
  foreignKey: string;
}

/** ContentDocumentLinks of a note: the records it is attached to. */
export interface LinksDef {
  kind: 'links';
}

/** A note's body: ContentNote's base64 `Content`, read as text. */
export interface NoteBodyDef {
  kind: 'noteBody';
}

export type FieldDef = ScalarDef | ParentDef | ChildrenDef | LinksDef | NoteBodyDef;

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * How an object is named in the graph when not by its API name (`typeName`), that name with a
 * lower-case first letter (`single`) and that plus `s` (`plural`): the names people use for a Group
 * that is a queue, a knowledge article version, a note, and plurals English makes otherwise.
 */
const GRAPH_NAMES: Readonly<Record<string, Partial<Pick<ObjectConfig, 'typeName' | 'single' | 'plural'>>>> = {
  Opportunity: { plural: 'opportunities' },
  Group: { typeName: 'Queue' },
  KnowledgeArticleVersion: { typeName: 'KnowledgeArticle' },
  ContentNote: { typeName: 'Note' },
  Product2: { single: 'product', plural: 'products' },
  PricebookEntry: { plural: 'pricebookEntries' },
};

/** The catalog's standard objects, with their graph names. */
export const STANDARD_OBJECTS: readonly Pick<ObjectConfig, 'spec' | 'typeName' | 'single' | 'plural'>[] =
  STANDARD_SPECS.map((spec) => {
    const names = GRAPH_NAMES[spec.apiName] ?? {};
    const typeName = names.typeName ?? spec.apiName;
    const single = names.single ?? lowerFirst(typeName);
    return { spec, typeName, single, plural: names.plural ?? `${single}s` };
  });

/** Polymorphic lookups: an interface when the targets share fields people ask for, else a union. */
const ABSTRACT_TYPES: Record<string, { name: string; kind: 'interface' | 'union' }> = {
  Owner: { name: 'Owner', kind: 'interface' },
  Who: { name: 'Who', kind: 'union' },
  What: { name: 'What', kind: 'union' },
};

/** Scalars whose key a relation of the same name takes over (Case.comments is the CaseComments). */
const RENAMED_SCALARS: Record<string, Record<string, string>> = {
  Case: { comments: 'internalComments' },
};

/** Salesforce's relationship name for a lookup: AccountId → Account, Contact__c → Contact__r. */
function relationshipOf(apiName: string): string | null {
  if (apiName.endsWith('__c')) return `${apiName.slice(0, -3)}__r`;
  if (apiName.endsWith('Id') && apiName.length > 2) return apiName.slice(0, -2);
  return null;
}

/** The graph name of a lookup: accountId → account, Contact__c → Contact__r. */
function parentNameOf(key: string, relationship: string): string {
  if (key.endsWith('Id')) return key.slice(0, -2);
  return relationship;
}

export interface Registry {
  objects: ObjectConfig[];
  byTypeName: Map<string, ObjectConfig>;
  byApiName: Map<string, ObjectConfig>;
  /** Key prefix (`003`) → object, to type the record a polymorphic Id points to. */
  byKeyPrefix: Map<string, ObjectConfig>;
  /** Abstract types in use: name → kind and members. */
  abstractTypes: Map<string, { kind: 'interface' | 'union'; members: ObjectConfig[] }>;
}

export interface RegistryOptions {
  /** The standard specs, possibly extended with an org's custom fields (same API names, same order). */
  specs?: readonly ObjectSpec[];
  /** Specs of custom objects (`Shipment__c`). */
  customObjects?: readonly ObjectSpec[];
}

/** Builds the graph's object configurations from the specs: names, fields and relations both ways. */
export function createRegistry(options: RegistryOptions = {}): Registry {
  const extended = new Map((options.specs ?? []).map((s) => [s.apiName, s]));
  const objects: ObjectConfig[] = STANDARD_OBJECTS.map((o) => ({
    ...o,
    spec: extended.get(o.spec.apiName) ?? o.spec,
    fields: new Map(),
  }));
  for (const spec of options.customObjects ?? []) {
    const single = lowerFirst(spec.apiName);
    objects.push({
      spec,
      typeName: spec.apiName,
      single,
      plural: `${lowerFirst(spec.labelPlural.replace(/[^A-Za-z0-9]/g, ''))}__c`,
      fields: new Map(),
    });
  }
  const byTypeName = new Map(objects.map((o) => [o.typeName, o]));
  const byApiName = new Map(objects.map((o) => [o.spec.apiName, o]));
  const byKeyPrefix = new Map(objects.filter((o) => o.spec.keyPrefix).map((o) => [o.spec.keyPrefix, o]));
  const abstractTypes: Registry['abstractTypes'] = new Map();

  for (const config of objects) {
    const { spec } = config;
    const relations = new Map<string, FieldDef>();
    const parent = (name: string, key: string, relationship: string, objectNames: readonly string[]) => {
      const field = spec.fields[key];
      const [first, ...others] = objectNames
        .map((o) => byApiName.get(o))
        .filter((o): o is ObjectConfig => o !== undefined);
      if (!field || !first || relations.has(name)) return;
      const targets = [first, ...others] as const;
      let abstractType: string | null = null;
      if (targets.length > 1) {
        const known = ABSTRACT_TYPES[relationship] ?? { name: relationship, kind: 'union' as const };
        abstractType = known.name;
        const entry = abstractTypes.get(known.name) ?? { kind: known.kind, members: [] };
        for (const t of targets) if (!entry.members.includes(t)) entry.members.push(t);
        abstractTypes.set(known.name, entry);
      }
      relations.set(name, { kind: 'parent', relationship, foreignKey: field.apiName, targets, abstractType });
    };
    for (const [name, p] of Object.entries(spec.parents ?? {}))
      parent(name, p.field, p.relationship, p.objects);
    // Other lookups become relations too (OwnerId → owner, custom Contact__c → Contact__r).
    for (const [key, field] of Object.entries(spec.fields)) {
      if (field.kind !== 'reference' || !field.references?.length) continue;
      if (Object.values(spec.parents ?? {}).some((p) => p.field === key)) continue;
      const relationship = relationshipOf(field.apiName);
      if (relationship) parent(parentNameOf(key, relationship), key, relationship, field.references);
    }
    for (const [name, c] of Object.entries(spec.children ?? {})) {
      const child = byApiName.get(c.object);
      if (child)
        relations.set(name, { kind: 'children', relationship: c.relationship, child, foreignKey: c.field });
    }
    if (spec.apiName === 'ContentNote') {
      relations.set('linkedRecords', { kind: 'links' });
      relations.set('body', { kind: 'noteBody' });
    }

    const renames = RENAMED_SCALARS[config.typeName] ?? {};
    for (const [key, field] of Object.entries(spec.fields)) {
      let name = renames[key] ?? key;
      if (relations.has(name)) name = `${key}Value`;
      config.fields.set(name, { kind: 'scalar', key, field });
    }
    for (const [name, def] of relations) config.fields.set(name, def);
  }
  return { objects, byTypeName, byApiName, byKeyPrefix, abstractTypes };
}

/** The scalar fields of an object, by GraphQL name. */
export function scalarsOf(config: ObjectConfig): [string, ScalarDef][] {
  return [...config.fields].filter((e): e is [string, ScalarDef] => e[1].kind === 'scalar');
}

/**
 * `map.get(key)` for a key the schema registered while it was being built: a type, ref or input
 * it made itself. A missing one is a mistake in building the schema, not in a request.
 */
export function registered<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`The schema has nothing registered as ${String(key)}`);
  return value;
}
