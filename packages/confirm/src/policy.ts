import { WriteForbiddenError } from './errors.ts';
import type { WriteAction, WriteRequest } from './types.ts';

/** What a client may do with one object. */
export interface ObjectRule {
  /** The actions allowed on the object; all three when omitted. */
  actions?: readonly WriteAction[];
  /** The fields the client may set (Salesforce API names); any field when omitted. */
  fields?: readonly string[];
}

/**
 * What one client may write. Salesforce's own sharing rules and field-level security still apply
 * on top: a policy can only narrow what the user could do anyway.
 */
export interface WritePolicy {
  /** Refuse every write with `WRITE_FORBIDDEN` (reason `READ_ONLY`). */
  readOnly?: boolean;
  /**
   * Operations (by name) that run without a confirmation token. Every other write needs one, and
   * deletes and destructive writes always do: they are never exempted, whatever this list says.
   */
  skipConfirmation?: readonly string[];
  /**
   * The objects the client may write (by API name), each with its allowed actions and fields.
   * Any object when omitted; an empty object allows none.
   */
  objects?: Readonly<Record<string, ObjectRule>>;
}

/** Policies by client id (`principal.clientId`), with the one used for every other client. */
export interface PolicyConfig {
  default: WritePolicy;
  clients?: Readonly<Record<string, WritePolicy>>;
}

/** The policy that applies to a client: its own, or the default. */
export function policyFor(config: PolicyConfig, clientId: string): WritePolicy {
  return (
    (Object.hasOwn(config.clients ?? {}, clientId) ? config.clients?.[clientId] : undefined) ?? config.default
  );
}

/** Whether a write is destructive: deletes always are, other writes when they say so. */
export function isDestructive(request: Pick<WriteRequest, 'action' | 'destructive'>): boolean {
  return request.action === 'delete' || request.destructive === true;
}

/** Salesforce API names are case-insensitive, so allowlists are too. */
function findRule(objects: Readonly<Record<string, ObjectRule>>, object: string): ObjectRule | undefined {
  const wanted = object.toLowerCase();
  for (const [name, rule] of Object.entries(objects)) if (name.toLowerCase() === wanted) return rule;
  return undefined;
}

/**
 * Checks a write against a client's policy. Throws `WriteForbiddenError` when the client may not
 * perform it at all; otherwise says whether it needs a confirmation token.
 */
export function checkWrite(
  policy: WritePolicy,
  request: Pick<WriteRequest, 'operation' | 'action' | 'object' | 'changes' | 'destructive'>,
): { confirm: boolean } {
  checkFields(
    policy,
    request.object,
    request.action,
    request.changes.map((c) => c.field),
  );
  const exempt = policy.skipConfirmation?.includes(request.operation) ?? false;
  return { confirm: isDestructive(request) || !exempt };
}

/**
 * Checks that the client may perform `action` on `object` and set `fields` (API names); throws
 * `WriteForbiddenError` otherwise.
 */
export function checkFields(
  policy: WritePolicy,
  object: string,
  action: WriteAction,
  fields: readonly string[],
): void {
  if (policy.readOnly) {
    throw new WriteForbiddenError(
      'READ_ONLY',
      'This client is read-only: it cannot change Salesforce data.',
      {
        object,
      },
    );
  }
  if (!policy.objects) return;
  const rule = findRule(policy.objects, object);
  if (!rule) {
    throw new WriteForbiddenError('OBJECT', `This client may not write ${object} records.`, { object });
  }
  if (rule.actions && !rule.actions.includes(action)) {
    throw new WriteForbiddenError('ACTION', `This client may not ${action} ${object} records.`, { object });
  }
  if (rule.fields && action !== 'delete') {
    const allowed = new Set(rule.fields.map((f) => f.toLowerCase()));
    const refused = fields.filter((f) => !allowed.has(f.toLowerCase()));
    if (refused.length > 0) {
      throw new WriteForbiddenError(
        'FIELD',
        `This client may not set ${refused.join(', ')} on ${object} records.`,
        {
          object,
          fields: refused,
        },
      );
    }
  }
}
