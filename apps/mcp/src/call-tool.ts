import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Confirmation, ConfirmationRequest, Principal } from '@sfgql/confirm';
import { runConfirmedWrite } from '@sfgql/objects/confirmed';
import { OperationError } from '@sfgql/objects/errors';
import { isWriteOperation, type WriteOperation } from '@sfgql/objects/operation';
import type { SalesforceClient } from '@sfgql/soql';
import { errorResult } from './tool-errors.ts';
import { type ConfirmMode, type McpTool, TOKEN_ARGUMENT, type WriteStatus } from './tools.ts';

/** Who calls: a client acting as them (one per connection), and the principal tokens are bound to. */
export interface McpCaller {
  client: SalesforceClient;
  principal: Principal;
}

/** The user's answer to a confirmation asked through the client. */
export type UserAnswer = 'accept' | 'decline' | 'cancel';

export interface ToolCallContext {
  caller: McpCaller;
  confirmation: Confirmation;
  /**
   * Asks the user to confirm a write through the client (elicitation); absent when the client
   * cannot, and the model then carries a token.
   */
  ask?: ((confirmation: ConfirmationRequest) => Promise<UserAnswer>) | undefined;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const json = (value: unknown) => JSON.stringify(value, null, 2);

const shown = (value: unknown) => (value === null || value === undefined ? '(empty)' : JSON.stringify(value));

/** The changes of a confirmation, one line each: `Status: "New" → "Escalated"`. */
export function changeLines(confirmation: ConfirmationRequest): string[] {
  return confirmation.changes.map((c) => `${c.field}: ${shown(c.before)} → ${shown(c.after)}`);
}

function writeResult(status: WriteStatus, text: string, fields: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: { status, ...fields } };
}

function confirmationFields(confirmation: ConfirmationRequest) {
  return {
    summary: confirmation.summary,
    changes: confirmation.changes,
    destructive: confirmation.destructive,
  };
}

async function write(
  tool: McpTool,
  op: WriteOperation,
  args: Record<string, unknown>,
  ctx: ToolCallContext,
): Promise<CallToolResult> {
  // Asked through the client, the user confirms: a token is no argument then (the input refuses it).
  const { [TOKEN_ARGUMENT]: rawToken, ...rest } = args;
  const input = ctx.ask ? args : rest;
  if (!ctx.ask && rawToken !== undefined && typeof rawToken !== 'string')
    throw new OperationError('INVALID_INPUT', `${TOKEN_ARGUMENT} must be the token string of a summary`);
  const token = !ctx.ask && typeof rawToken === 'string' && rawToken.trim() ? rawToken.trim() : undefined;
  const run = (withToken: string | undefined) =>
    runConfirmedWrite(op, { ...ctx.caller, confirmation: ctx.confirmation, token: withToken }, input);
  const done = (result: unknown, summary?: string) =>
    writeResult('done', `Done. ${summary ? `${summary}\n` : ''}${json(result)}`, {
      ...(summary ? { summary } : {}),
      result,
    });

  const outcome = await run(token);
  if (outcome.kind === 'done') return done(outcome.result);
  const confirmation = outcome.confirmation;
  if (!ctx.ask) {
    return writeResult(
      'confirmation_required',
      [
        `Nothing was written yet. ${confirmation.summary}`,
        ...changeLines(confirmation).map((line) => `  ${line}`),
        `Read this to the user. If they agree, call ${tool.operation.name} again with the same arguments and ${TOKEN_ARGUMENT} "${confirmation.token}" (valid until ${confirmation.expiresAt}); if not, do not call it again.`,
      ].join('\n'),
      {
        ...confirmationFields(confirmation),
        [TOKEN_ARGUMENT]: confirmation.token,
        expiresAt: confirmation.expiresAt,
      },
    );
  }
  // The user answers through the client; the token never leaves the server.
  const answer = await ctx.ask(confirmation);
  if (answer !== 'accept') {
    const said = answer === 'decline' ? 'declined' : 'dismissed';
    return writeResult(
      answer === 'decline' ? 'declined' : 'cancelled',
      `The user ${said} the change; nothing was written. (${confirmation.summary})`,
      confirmationFields(confirmation),
    );
  }
  const confirmed = await run(confirmation.token);
  if (confirmed.kind !== 'done') throw new Error(`${op.name} asked for a second confirmation`);
  return done(confirmed.result, confirmation.summary);
}

/**
 * Runs one tool call: a read answers its records (a read that finds nothing answers an error
 * saying so); a write goes through the confirmation protocol, as in every other door. Thrown errors
 * are left to the caller, which reports them as error results.
 */
export async function callTool(
  tool: McpTool,
  rawArgs: unknown,
  ctx: ToolCallContext,
): Promise<CallToolResult> {
  const args = rawArgs ?? {};
  if (!isPlainObject(args))
    throw new OperationError('INVALID_INPUT', 'The arguments must be an object of named values');
  const op = tool.operation;
  if (isWriteOperation(op)) return write(tool, op, args, ctx);
  const result = await op.run(ctx.caller, args);
  if (result === null || result === undefined) {
    const what = Object.entries(args)
      .map(([key, value]) => `${key} ${JSON.stringify(value)}`)
      .join(' and ');
    const label = op.object?.label.toLowerCase() ?? 'record';
    return errorResult(`No ${label} has ${what}. Check it with the user, or search first.`, 'NOT_FOUND');
  }
  return {
    content: [{ type: 'text', text: json(result) }],
    structuredContent: result as Record<string, unknown>,
  };
}

/** Which confirm mode a client gets: elicitation when it can show a form to its user. */
export const confirmModeOf = (capabilities: { elicitation?: { form?: object } } | undefined): ConfirmMode =>
  capabilities?.elicitation?.form ? 'elicitation' : 'token';
