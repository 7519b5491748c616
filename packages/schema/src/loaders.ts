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

/**
 * A per-request batch loader: keys asked for while resolvers run are gathered and loaded together
 * once the current round of resolvers has been called, and each key is loaded once per request.
 */
export interface Loader<K, V> {
  load(key: K): Promise<V>;
}

export function createLoader<K, V>(batch: (keys: K[]) => Promise<Map<K, V>>, missing: V): Loader<K, V> {
  const cache = new Map<K, Promise<V>>();
  let queue: { key: K; resolve: (v: V) => void; reject: (e: unknown) => void }[] = [];
  const dispatch = async () => {
    const jobs = queue;
    queue = [];
    try {
      const found = await batch([...new Set(jobs.map((j) => j.key))]);
      for (const job of jobs) job.resolve(found.has(job.key) ? (found.get(job.key) as V) : missing);
    } catch (error) {
      for (const job of jobs) {
        cache.delete(job.key);
        job.reject(error);
      }
    }
  };
  return {
    load(key) {
      const hit = cache.get(key);
      if (hit) return hit;
      const promise = new Promise<V>((resolve, reject) => {
        // setImmediate runs after every resolver of the current round (they are called in one pass
        // over a list), so siblings batch into one query.
        if (queue.length === 0) setImmediate(() => void dispatch());
        queue.push({ key, resolve, reject });
      });
      cache.set(key, promise);
      return promise;
    },
  };
}

export interface LinkedRecord {
  id: string;
  type: string | null;
}

/** The loaders of one request, created in its GraphQL context. */
export interface Loaders {
  /** Records of one object by Id, with one selection. */
  records(object: string, selection: Selection): Loader<string, SalesforceRecord | null>;
  /** Children of parents by the parent's Id, through the parent's child relationship. */
  children(
    parentObject: string,
    relationship: string,
    selection: ChildSelection,
  ): Loader<string, SalesforceRecord[]>;
  /** How many children each parent has (one aggregate query per batch). */
  counts(childObject: string, foreignKey: string, where: SoqlFragment | null): Loader<string, number>;
  /** The records a note is attached to. */
  links(): Loader<string, LinkedRecord[]>;
}

const keyOf = (...parts: unknown[]) => JSON.stringify(parts);

export function createLoaders(client: SalesforceClient, options: { childLevels: number }): Loaders {
  const loaders = new Map<string, Loader<string, unknown>>();
  const memo = <V>(key: string, make: () => Loader<string, V>): Loader<string, V> => {
    let loader = loaders.get(key) as Loader<string, V> | undefined;
    if (!loader) {
      loader = make();
      loaders.set(key, loader as Loader<string, unknown>);
    }
    return loader;
  };
  const plan = { childLevels: options.childLevels };
  return {
    records: (object, selection) =>
      memo(keyOf('records', object, selection), () =>
        createLoader(
          async (ids) =>
            loadRecordsById(client, { object, selection, ids, plan }) as Promise<
              Map<string, SalesforceRecord | null>
            >,
          null,
        ),
      ),
    children: (parentObject, relationship, selection) =>
      memo(keyOf('children', parentObject, relationship, selection), () =>
        createLoader(
          (parentIds) =>
            loadChildrenByParentId(client, { parentObject, relationship, selection, parentIds, plan }),
          [],
        ),
      ),
    counts: (childObject, foreignKey, where) =>
      memo(keyOf('counts', childObject, foreignKey, where?.text ?? null), () =>
        createLoader(async (parentIds) => {
          const counts = new Map<string, number>(parentIds.map((id) => [id, 0]));
          for (const batch of idBatches(parentIds)) {
            const key = soql.ident(foreignKey);
            const condition = where ? soql`${key} IN ${batch} AND (${where})` : soql`${key} IN ${batch}`;
            const result = await client.query(
              soql`SELECT ${key}, COUNT(Id) n FROM ${soql.ident(childObject)} WHERE ${condition} GROUP BY ${key}`,
            );
            for (const row of result.records) counts.set(String(row[foreignKey]), Number(row.n));
          }
          return counts;
        }, 0),
      ),
    links: () =>
      memo('links', () =>
        createLoader(async (noteIds) => {
          const links = new Map<string, LinkedRecord[]>(noteIds.map((id) => [id, []]));
          for (const batch of idBatches(noteIds)) {
            const result = await client.query(
              soql`SELECT ContentDocumentId, LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId IN ${batch}`,
            );
            for (const row of result.records) {
              const id = String(row.LinkedEntityId);
              links.get(String(row.ContentDocumentId))?.push({ id, type: objectOfId(id) });
            }
          }
          return links;
        }, []),
      ),
  };
}
