import { objectOfId } from '@sfgql/objects/specs';
import {
  type ChildSelection,
  idBatches,
  loadChildrenByParentId,
  loadRecordsById,
  type SalesforceClient,
  type SalesforceRecord,
  type Selection,
  type SoqlFragment,
  soql,
} from '@sfgql/soql';
import DataLoader from 'dataloader';

export interface LinkedRecord {
  id: string;
  type: string | null;
}

/**
 * The loaders of one request, created in its GraphQL context: each caches by key for the request,
 * and the keys asked for in one round of resolvers are loaded together.
 */
export interface Loaders {
  /** Records of one object by Id, with one selection (null for an Id with no record). */
  records(object: string, selection: Selection): DataLoader<string, SalesforceRecord | null>;
  /** Children of parents by the parent's Id, through the parent's child relationship. */
  children(
    parentObject: string,
    relationship: string,
    selection: ChildSelection,
  ): DataLoader<string, SalesforceRecord[]>;
  /** How many children each parent has (one aggregate query per batch). */
  counts(childObject: string, foreignKey: string, where: SoqlFragment | null): DataLoader<string, number>;
  /** The records each note is attached to. */
  links(): DataLoader<string, LinkedRecord[]>;
  /**
   * Records by Id from a statement made for a batch of Ids (up to 200), cached under `key`: what a
   * field reads of each record of a page in one call (a timeline).
   */
  statement(key: string, build: (ids: string[]) => SoqlFragment): DataLoader<string, SalesforceRecord | null>;
}

/**
 * Dispatches a batch when the event loop turns: every load made while the current round of
 * resolvers runs, in whichever promise job or tick, joins it. (DataLoader's default dispatches
 * sooner, on the tick after the current promise jobs.)
 */
const afterRound = (dispatch: () => void) => {
  setImmediate(dispatch);
};

/** A request-scoped DataLoader over a batch function that answers a map (absent keys get `missing`). */
function mapLoader<V>(batch: (keys: string[]) => Promise<Map<string, V>>, missing: V): DataLoader<string, V> {
  return new DataLoader<string, V>(
    async (keys) => {
      const found = await batch([...keys]);
      return keys.map((key) => found.get(key) ?? missing);
    },
    { batchScheduleFn: afterRound },
  );
}

/** The loader under `key` in `loaders`, made on first use. */
function memo<V>(loaders: Map<string, V>, key: string, make: () => V): V {
  let loader = loaders.get(key);
  if (loader === undefined) {
    loader = make();
    loaders.set(key, loader);
  }
  return loader;
}

const keyOf = (...parts: unknown[]) => JSON.stringify(parts);

/** Builds one request's loaders over the caller's client. */
export function createLoaders(client: SalesforceClient, options: { childLevels: number }): Loaders {
  const plan = { childLevels: options.childLevels };
  const records = new Map<string, DataLoader<string, SalesforceRecord | null>>();
  const children = new Map<string, DataLoader<string, SalesforceRecord[]>>();
  const counts = new Map<string, DataLoader<string, number>>();
  const statements = new Map<string, DataLoader<string, SalesforceRecord | null>>();
  let links: DataLoader<string, LinkedRecord[]> | undefined;
  return {
    records: (object, selection) =>
      memo(records, keyOf(object, selection), () =>
        mapLoader<SalesforceRecord | null>(
          (ids) => loadRecordsById(client, { object, selection, ids, plan }),
          null,
        ),
      ),
    children: (parentObject, relationship, selection) =>
      memo(children, keyOf(parentObject, relationship, selection), () =>
        mapLoader(
          (parentIds) =>
            loadChildrenByParentId(client, { parentObject, relationship, selection, parentIds, plan }),
          [],
        ),
      ),
    counts: (childObject, foreignKey, where) =>
      memo(counts, keyOf(childObject, foreignKey, where?.text ?? null), () =>
        mapLoader(async (parentIds) => {
          const found = new Map<string, number>(parentIds.map((id) => [id, 0]));
          const key = soql.ident(foreignKey);
          for (const batch of idBatches(parentIds)) {
            const condition = where ? soql`${key} IN ${batch} AND (${where})` : soql`${key} IN ${batch}`;
            const result = await client.query(
              soql`SELECT ${key}, COUNT(Id) n FROM ${soql.ident(childObject)} WHERE ${condition} GROUP BY ${key}`,
            );
            for (const row of result.records) found.set(String(row[foreignKey]), Number(row.n));
          }
          return found;
        }, 0),
      ),
    statement: (key, build) =>
      memo(statements, key, () =>
        mapLoader<SalesforceRecord | null>(async (ids) => {
          const found = new Map<string, SalesforceRecord>();
          for (const batch of idBatches(ids)) {
            const result = await client.query(build(batch));
            for (const record of result.records) found.set(String(record.Id), record);
          }
          return found;
        }, null),
      ),
    links: () =>
      (links ??= mapLoader(async (noteIds) => {
        const found = new Map<string, LinkedRecord[]>(noteIds.map((id) => [id, []]));
        for (const batch of idBatches(noteIds)) {
          const result = await client.query(
            soql`SELECT ContentDocumentId, LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId IN ${batch}`,
          );
          for (const row of result.records) {
            const id = String(row.LinkedEntityId);
            found.get(String(row.ContentDocumentId))?.push({ id, type: objectOfId(id) });
          }
        }
        return found;
      }, [])),
  };
}
