import {
  ErrorCode,
  McpError,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
} from '@modelcontextprotocol/sdk/types.js';
import { reportError } from '@sfgql/objects/errors';
import { isReadOperation, type ReadOperation, type ReadView } from '@sfgql/objects/operation';
import { OPERATION_SETS } from '@sfgql/objects/sets';
import { STANDARD_SPECS } from '@sfgql/objects/specs';
import type { McpCaller } from './call-tool.ts';

export const LIMITS_URI = 'salesforce://limits';
export const DESCRIBE_TEMPLATE = 'salesforce://objects/{object}/describe';
const DESCRIBE_URI = /^salesforce:\/\/objects\/([A-Za-z][A-Za-z0-9_]*)\/describe$/;

/** The catalog's read that answers a view (an object's description, the org's limits). */
function readOf(kind: ReadView['kind']): ReadOperation {
  const op = OPERATION_SETS.all.find((o) => isReadOperation(o) && o.view.kind === kind);
  if (!op || !isReadOperation(op)) throw new Error(`The catalog has no ${kind} read`);
  return op;
}

const describeRead = readOf('describe');
const limitsRead = readOf('limits');

const describeUri = (object: string) => DESCRIBE_TEMPLATE.replace('{object}', object);

/** The resources a client can list: the org's limits, and each catalog object's description. */
export function listResources(): Resource[] {
  return [
    {
      uri: LIMITS_URI,
      name: 'limits',
      title: "The org's API limits",
      description: `${limitsRead.summary} What remains of today's budget, limit by limit.`,
      mimeType: 'application/json',
    },
    ...STANDARD_SPECS.map((spec) => ({
      uri: describeUri(spec.apiName),
      name: `${spec.apiName} describe`,
      title: `${spec.label}: fields and picklist values`,
      description: `${spec.description} ${describeRead.summary}`,
      mimeType: 'application/json',
    })),
  ];
}

/** Any object's description, by its API name (custom objects too). */
export function listResourceTemplates(): ResourceTemplate[] {
  return [
    {
      uriTemplate: DESCRIBE_TEMPLATE,
      name: 'describe',
      title: "An object's fields and picklist values",
      description: `${describeRead.summary} {object} is the API name, e.g. Case or Shipment__c.`,
      mimeType: 'application/json',
    },
  ];
}

/**
 * Reads a resource through the catalog's own reads, as the caller. A resource has no error result
 * as a tool has: an unknown one is a protocol error (-32002), and so is a refusal, in the words and
 * code every door reports.
 */
export async function readResource(
  uri: string,
  callerOf: () => Promise<McpCaller>,
): Promise<ReadResourceResult> {
  const object = DESCRIBE_URI.exec(uri)?.[1];
  if (uri !== LIMITS_URI && !object)
    throw new McpError(
      -32002,
      `No resource ${JSON.stringify(uri)}: read ${LIMITS_URI} or ${DESCRIBE_TEMPLATE} (e.g. ${describeUri('Case')}).`,
      { uri },
    );
  let value: unknown;
  try {
    const caller = await callerOf();
    value = object ? await describeRead.run(caller, { object }) : await limitsRead.run(caller, {});
  } catch (error) {
    const report = reportError(error);
    const code =
      report.status === 404
        ? -32002
        : report.status < 500
          ? ErrorCode.InvalidParams
          : ErrorCode.InternalError;
    throw new McpError(code, `${report.message} (${report.code})`, { uri, code: report.code });
  }
  return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] };
}
