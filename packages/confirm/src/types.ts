/** Who is asking: the Salesforce user and org, and the client (app or agent) they act through. */
export interface Principal {
  /** Salesforce user id (005...). */
  userId: string;
  /** Salesforce org id (00D...). */
  orgId: string;
  /** The client the request came through, e.g. the OAuth client id of the gateway or GPT Actions. */
  clientId: string;
}

/** The three kinds of write. */
export type WriteAction = 'create' | 'update' | 'delete';

/** One field's change, as a person should see it. `before` is null for a create. */
export interface FieldChange {
  /** The field's name as the operations layer reports it (Salesforce API names, e.g. `Status`). */
  field: string;
  before: unknown;
  after: unknown;
}

/**
 * A write, described by the operations layer, for a preview or an execution. The same request
 * (same principal, operation, object, record and arguments) must be passed to `preview` and to
 * `execute`; on `execute`, `systemModstamp` and `changes` describe the record as it is now.
 */
export interface WriteRequest {
  principal: Principal;
  /** The operation's name, e.g. `updateCase` (also its REST operationId). */
  operation: string;
  action: WriteAction;
  /** The object's API name, e.g. `Case`. */
  object: string;
  /** How to name the object in the summary, e.g. `case`; defaults to the API name in words. */
  objectLabel?: string;
  /** The record's id; required for update and delete. */
  recordId?: string;
  /** How to name the record in the summary, e.g. the CaseNumber `00001104`; defaults to its id. */
  recordLabel?: string;
  /** The operation's arguments as the caller sent them; bound to the token by a canonical hash. */
  args: unknown;
  /** The field changes, before and after; for a delete, usually empty. */
  changes: readonly FieldChange[];
  /**
   * The record's SystemModstamp: at preview time when previewing, the current one when executing.
   * Required for update and delete, so that a change made in between is detected.
   */
  systemModstamp?: string;
  /** Whether the write destroys data; deletes always are. Destructive writes always need confirmation. */
  destructive?: boolean;
}

/**
 * What a caller gets back instead of a write: everything needed to ask a person, and the token to
 * send back with the same arguments to perform the write.
 */
export interface ConfirmationRequest {
  /** Send this back with the same arguments to perform the write. Single use. */
  token: string;
  /** ISO 8601; after this the token is refused with `CONFIRMATION_EXPIRED`. */
  expiresAt: string;
  /** One sentence a model can read to a person, e.g. "Update case 00001104: Status from New to Escalated." */
  summary: string;
  action: WriteAction;
  object: string;
  /** The record's id, null for a create. */
  recordId: string | null;
  changes: FieldChange[];
  destructive: boolean;
}
