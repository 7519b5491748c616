import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { Confirmation, ConfirmationRequest } from '@sfgql/confirm';
import type { ErrorReport } from '@sfgql/objects/errors';
import { callTool, changeLines, confirmModeOf, type McpCaller, type UserAnswer } from './call-tool.ts';
import type { Logger } from './log.ts';
import { listResources, listResourceTemplates, readResource } from './resources.ts';
import { errorResult, toolErrorResult } from './tool-errors.ts';
import type { McpTool } from './tools.ts';
import type { ToolsetName } from './toolsets.ts';

/** The server's name and version, as clients show them. */
export const SERVER_INFO = { name: 'sfgql', title: 'sfgql: Salesforce', version: '0.0.0' };

const INSTRUCTIONS = [
  'Tools over one Salesforce org, acting as the signed-in user (their sharing rules and field access apply).',
  'Records are named by their Salesforce Ids: search first when you only have a name, an email, a phone number or a case number.',
  'Every write is confirmed before it happens: either the client asks the user, or the tool answers a summary and a confirmationToken; read the summary to the user and call again with the token only if they agree.',
  "Resources: each object's fields and picklist values (salesforce://objects/{object}/describe) and the org's API limits (salesforce://limits).",
].join(' ');

/** What one client connection serves, and as whom. */
export interface ConnectionOptions {
  toolset: ToolsetName;
  /** The toolset's tools that the write policy allows, by name. */
  tools: ReadonlyMap<string, McpTool>;
  confirmation: Confirmation;
  /** How long the user has to answer a confirmation asked through the client (the token's lifetime). */
  confirmTimeoutMs: number;
  /**
   * The connection's caller now: its Salesforce client is the connection's, not one per call. A
   * failure (the integration user cannot sign in) is reported as the tool call's error.
   */
  caller(): Promise<McpCaller>;
  logger: Logger;
  /** Told about every error a tool call reports (to forget a token Salesforce no longer accepts). */
  onErrorReport?(report: ErrorReport): void;
}

/** The client could not put the question to its user (it failed, or did not answer in time). */
export class UnaskedConfirmationError extends Error {
  override name = 'UnaskedConfirmationError';
}

/** The question a client shows its user before a write: the summary, each change, and what it does. */
export function confirmationMessage(confirmation: ConfirmationRequest): string {
  return [
    confirmation.summary,
    ...changeLines(confirmation).map((line) => `  ${line}`),
    confirmation.destructive
      ? 'This removes data (it stays in the Recycle Bin for 15 days). Go ahead?'
      : 'Make this change in Salesforce?',
  ].join('\n');
}

/**
 * The MCP server of one connection (an HTTP session, or the stdio process): the toolset's tools
 * with their annotations, tool calls through the catalog and the confirmation protocol, and the
 * describe and limits resources. Errors of a tool call come back as error results.
 */
export function createConnection(options: ConnectionOptions): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: { listChanged: false }, resources: { listChanged: false } },
    instructions: INSTRUCTIONS,
  });
  const mode = () => confirmModeOf(server.getClientCapabilities());
  const list = [...options.tools.values()];

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: list.map((tool) => tool.definitions[mode()]),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const name = request.params.name;
    const tool = options.tools.get(name);
    if (!tool)
      return errorResult(
        `There is no tool ${JSON.stringify(name)} on this connection (toolset ${options.toolset}, under this server's write policy). Use one of the tools it lists.`,
        'TOOL_NOT_FOUND',
      );
    const confirmMode = mode();
    const ask =
      confirmMode === 'elicitation'
        ? async (confirmation: ConfirmationRequest): Promise<UserAnswer> => {
            try {
              const answer = await server.elicitInput(
                {
                  mode: 'form',
                  message: confirmationMessage(confirmation),
                  requestedSchema: { type: 'object', properties: {} },
                },
                {
                  relatedRequestId: extra.requestId,
                  timeout: options.confirmTimeoutMs,
                  signal: extra.signal,
                },
              );
              return answer.action;
            } catch (cause) {
              throw new UnaskedConfirmationError((cause as Error).message, { cause });
            }
          }
        : undefined;
    try {
      return await callTool(tool, request.params.arguments, {
        caller: await options.caller(),
        confirmation: options.confirmation,
        ask,
      });
    } catch (error) {
      if (error instanceof UnaskedConfirmationError) {
        options.logger.warn({ tool: name, err: error.cause }, 'confirmation not answered');
        return errorResult(
          `The user could not be asked to confirm (${error.message}); nothing was written. Call again to ask again.`,
          'CONFIRMATION_UNANSWERED',
        );
      }
      const { result, report } = toolErrorResult(error, confirmMode);
      options.onErrorReport?.(report);
      if (report.status >= 500)
        options.logger.error({ tool: name, code: report.code, err: error }, 'tool call failed');
      return result;
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: listResources() }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: listResourceTemplates(),
  }));
  server.setRequestHandler(ReadResourceRequestSchema, (request) =>
    readResource(request.params.uri, options.caller),
  );
  return server;
}
