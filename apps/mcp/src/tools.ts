import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { WritePolicy } from '@sfgql/confirm';
import { type JsonSchema, jsonSchemaOf } from '@sfgql/objects/json-schema';
import { isWriteOperation, type Operation } from '@sfgql/objects/operation';
import { operationsOf, type ToolsetName } from './toolsets.ts';

/**
 * How a connection confirms writes: with a token the model sends back once the user agrees
 * (`token`), or by asking the user itself through the client (`elicitation`), so that no token
 * passes through the model.
 */
export type ConfirmMode = 'token' | 'elicitation';

/** The argument that carries a confirmation token (token mode only). */
export const TOKEN_ARGUMENT = 'confirmationToken';

/** What a write tool answers, in `status`. */
export const WRITE_STATUSES = ['confirmation_required', 'done', 'declined', 'cancelled'] as const;
export type WriteStatus = (typeof WRITE_STATUSES)[number];

/** An operation of the catalog as an MCP tool, listed one way or the other by confirm mode. */
export interface McpTool {
  operation: Operation;
  definitions: Readonly<Record<ConfirmMode, Tool>>;
}

const TOKEN_DESCRIPTION =
  'Leave out on the first call: nothing is written and the answer is a summary to read to the user, with a confirmationToken. Only after the user agrees, call again with the same arguments and that token. Never invent one.';

/** `getCaseDetailsFromNumber` → `Get case details from number`. */
export function titleOf(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function descriptionOf(op: Operation, mode: ConfirmMode): string {
  if (!isWriteOperation(op)) return op.summary;
  const removes = op.kind === 'destructive' ? ' It removes data.' : '';
  return mode === 'token'
    ? `${op.summary}${removes} Confirmed in two calls: without ${TOKEN_ARGUMENT} nothing is written and the answer is a summary to read to the user; only if they agree, call again with the same arguments and its ${TOKEN_ARGUMENT}.`
    : `${op.summary}${removes} The user is shown the exact change and asked to confirm it before anything is written.`;
}

/**
 * An output schema as MCP requires it and as clients check it (the SDK's client validates every
 * result against it): the catalog's, with `type: "object"` at the root, since a read that finds
 * nothing answers an error result instead of `null`.
 */
function outputSchemaOf(schema: JsonSchema): JsonSchema {
  return Array.isArray(schema.type) ? { ...schema, type: 'object' } : schema;
}

const CHANGES_SCHEMA: JsonSchema = {
  type: 'array',
  description: 'Each field that changes, before and after.',
  items: {
    type: 'object',
    properties: { field: { type: 'string' }, before: {}, after: {} },
    required: ['field'],
  },
};

/**
 * What a write answers: a summary to confirm (nothing written), or the result once written, or the
 * user's refusal. The operation's own output is `result`; its definitions move to the root, where
 * their references point.
 */
function writeOutputSchema(output: JsonSchema, mode: ConfirmMode): JsonSchema {
  const { $defs, ...result } = output;
  return {
    type: 'object',
    properties: {
      status: {
        type: 'string',
        enum: [...WRITE_STATUSES],
        description:
          'confirmation_required: nothing written yet; done: written; declined or cancelled: the user said no, nothing written.',
      },
      summary: { type: 'string', description: 'What the write does, in one sentence to read to the user.' },
      changes: CHANGES_SCHEMA,
      destructive: { type: 'boolean', description: 'Whether data is removed.' },
      ...(mode === 'token'
        ? {
            [TOKEN_ARGUMENT]: {
              type: 'string',
              description: 'Send back with the same arguments once the user agrees. Single use.',
            },
            expiresAt: { type: 'string', description: 'When the token expires (ISO 8601).' },
          }
        : {}),
      result: { ...result, description: 'What the write returned (status done).' },
    },
    required: ['status'],
    ...($defs ? { $defs } : {}),
  };
}

function definitionOf(op: Operation, mode: ConfirmMode): Tool {
  const input = jsonSchemaOf(op.input, 'input');
  const output = outputSchemaOf(jsonSchemaOf(op.output, 'output'));
  const write = isWriteOperation(op);
  const properties = (input.properties ?? {}) as Record<string, JsonSchema>;
  if (write && TOKEN_ARGUMENT in properties)
    throw new Error(`${op.name} has an input named ${TOKEN_ARGUMENT}, which confirmations use`);
  const inputSchema =
    write && mode === 'token'
      ? {
          ...input,
          properties: { ...properties, [TOKEN_ARGUMENT]: { type: 'string', description: TOKEN_DESCRIPTION } },
        }
      : input;
  const title = titleOf(op.name);
  return {
    name: op.name,
    title,
    description: descriptionOf(op, mode),
    inputSchema: inputSchema as Tool['inputSchema'],
    outputSchema: (write ? writeOutputSchema(output, mode) : output) as Tool['outputSchema'],
    annotations: {
      title,
      readOnlyHint: op.hints.readOnly,
      destructiveHint: op.hints.destructive,
      idempotentHint: op.hints.idempotent,
      openWorldHint: op.hints.openWorld,
    },
  };
}

const made = new WeakMap<Operation, McpTool>();

/** An operation as a tool: its name, title, description, schemas and hints, from the catalog only. */
export function toolOf(op: Operation): McpTool {
  let tool = made.get(op);
  if (!tool) {
    tool = {
      operation: op,
      definitions: { token: definitionOf(op, 'token'), elicitation: definitionOf(op, 'elicitation') },
    };
    made.set(op, tool);
  }
  return tool;
}

/** A toolset's tools that the write policy allows, by name, in the set's order. */
export function toolsOf(toolset: ToolsetName, policy: WritePolicy): ReadonlyMap<string, McpTool> {
  return new Map(operationsOf(toolset, policy).map((op) => [op.name, toolOf(op)]));
}
