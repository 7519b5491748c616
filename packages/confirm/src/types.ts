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
  /** The record it changes, when a write changes several (a batch). */
  recordId?: string;
}

/**
 * A write, described by the operations layer, for a preview or an execution. The same request
 * (same principal, operation, object and arguments) must be passed to `preview` and to `execute`.
 * A preview describes the record as read for it (`changes`, `systemModstamp`); an execution with a
 * token needs neither (the token carries what the person saw), so the record is not read again.
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
  /** The record's id; required to preview an update or delete (the token binds it afterwards). */
  recordId?: string;
  /**
   * The records of a write on several at once (a batch), instead of `recordId`: the arguments,
   * bound to the token, name them; they are checked against the preview when confirmed, not by
   * `If-Unmodified-Since`.
   */
  recordIds?: readonly string[];
  /** How to name the record in the summary, e.g. the CaseNumber `00001104`; defaults to its id. */
  recordLabel?: string;
  /** The operation's arguments as the caller sent them; bound to the token by a canonical hash. */
  args: unknown;
  /** The field changes, before and after, as previewed; for a delete, usually empty. */
  changes: readonly FieldChange[];
  /**
   * The record's SystemModstamp as read for the preview; required to preview an update or delete.
   * The confirmed write sends it as `If-Unmodified-Since`, so a change made in between is refused.
   */
  systemModstamp?: string;
  /** The sentence shown to the person; made from the action, record and changes when not given. */
  summary?: string;
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
