/**
 * How long a shared cache (Redis) may take to answer before it is done without: a healthy one
 * answers in a millisecond or two, a frozen one never does.
 */
export const SHARED_CACHE_DEADLINE_MS = 500;

/**
 * The promise's answer, or a rejection once `ms` have passed (a late answer is ignored). For
 * caches only: what they hold can always be had again from Salesforce.
 */
export function withinDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`No answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
