import type { WritePolicy } from '@sfgql/confirm';
import { isAllowedBy } from '@sfgql/objects/confirmed';
import { isWriteOperation, type Operation } from '@sfgql/objects/operation';
import { OPERATION_SET_NAMES, OPERATION_SETS, type OperationSetName } from '@sfgql/objects/sets';

/** A toolset: one of the catalog's operation sets (the GPT profiles' too), offered as MCP tools. */
export type ToolsetName = OperationSetName;

export const TOOLSET_NAMES: readonly ToolsetName[] = OPERATION_SET_NAMES;

/**
 * The toolset a connection gets when it names none. Clients cap how many tools they take (one at
 * 40), so the default stays small and holds a whole phone call: the catalog's `calls` set (find the
 * caller, read their timeline, open a case, log the call, schedule the callback, answer from
 * knowledge, route the case).
 */
export const DEFAULT_TOOLSET: ToolsetName = 'calls';

export const isToolsetName = (name: string): name is ToolsetName =>
  (TOOLSET_NAMES as readonly string[]).includes(name);

/**
 * The operations of a toolset that the write policy allows, in the set's order: a tool the policy
 * refuses is not offered at all, so a model never tries it.
 */
export function operationsOf(toolset: ToolsetName, policy: WritePolicy): Operation[] {
  const byName = new Map<string, Operation>();
  for (const op of OPERATION_SETS[toolset]) {
    const seen = byName.get(op.name);
    if (seen && seen !== op) throw new Error(`Two operations of ${toolset} are named ${op.name}`);
    if (isAllowedBy(policy, op)) byName.set(op.name, op);
  }
  return [...byName.values()];
}

/** The objects some operation of the catalog writes, by API name: what a write allowlist may name. */
export function writableObjects(): string[] {
  const names = new Set<string>();
  for (const op of Object.values(OPERATION_SETS).flat())
    if (isWriteOperation(op) && op.object) names.add(op.object.apiName);
  return [...names].sort();
}
