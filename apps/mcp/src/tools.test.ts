import { ToolSchema } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { isWriteOperation } from '@sfgql/objects/operation';
import { OPERATION_SETS } from '@sfgql/objects/sets';
import { describe, expect, it } from 'vitest';
import { TOKEN_ARGUMENT, titleOf, toolsOf } from './tools.ts';
import { DEFAULT_TOOLSET, TOOLSET_NAMES } from './toolsets.ts';

const ALL = {};
const definitions = (toolset: (typeof TOOLSET_NAMES)[number], mode: 'token' | 'elicitation', policy = ALL) =>
  [...toolsOf(toolset, policy).values()].map((t) => t.definitions[mode]);

describe('the tools', () => {
  it('are the catalog operations of each toolset, named as in the catalog', () => {
    for (const name of TOOLSET_NAMES)
      expect(definitions(name, 'token').map((t) => t.name)).toEqual([
        ...new Set(OPERATION_SETS[name].map((op) => op.name)),
      ]);
  });

  it('fit clients that cap their tools: the default toolset holds at most 40', () => {
    expect(definitions(DEFAULT_TOOLSET, 'token').length).toBeLessThanOrEqual(40);
    // A whole phone call: find the caller, read their timeline, open a case, log the call, schedule
    // the callback.
    expect(definitions(DEFAULT_TOOLSET, 'token').map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'searchContacts',
        'getContactTimeline',
        'createCase',
        'logCall',
        'scheduleEvent',
      ]),
    );
  });

  it('are valid MCP tools whose schemas the SDK client can compile', () => {
    const validator = new AjvJsonSchemaValidator();
    for (const mode of ['token', 'elicitation'] as const) {
      for (const tool of definitions('all', mode)) {
        expect(ToolSchema.safeParse(tool).success, tool.name).toBe(true);
        expect(() => validator.getValidator(tool.inputSchema), tool.name).not.toThrow();
        expect(() => validator.getValidator(tool.outputSchema ?? {}), tool.name).not.toThrow();
      }
    }
  });

  it("carry annotations from each operation's hints: reads read only, deletes destructive, creates not idempotent", () => {
    for (const tool of definitions('all', 'token')) {
      const op = OPERATION_SETS.all.find((o) => o.name === tool.name);
      expect(tool.annotations).toEqual({
        title: titleOf(tool.name),
        readOnlyHint: op?.hints.readOnly,
        destructiveHint: op?.hints.destructive,
        idempotentHint: op?.hints.idempotent,
        openWorldHint: false,
      });
    }
    const byName = new Map(definitions('all', 'token').map((t) => [t.name, t.annotations]));
    expect(byName.get('searchContacts')).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(byName.get('deleteCase')).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(byName.get('createCase')).toMatchObject({ readOnlyHint: false, idempotentHint: false });
    expect(byName.get('updateCase')).toMatchObject({ destructiveHint: false, idempotentHint: true });
  });

  it('take a confirmation token only where the model carries it (token mode), and say how', () => {
    for (const tool of definitions('all', 'token')) {
      const write = isWriteOperation(OPERATION_SETS.all.find((o) => o.name === tool.name) as never);
      expect(TOKEN_ARGUMENT in (tool.inputSchema.properties ?? {}), tool.name).toBe(write);
      if (write) expect(tool.description).toMatch(/Confirmed in two calls/);
    }
    for (const tool of definitions('all', 'elicitation')) {
      expect(TOKEN_ARGUMENT in (tool.inputSchema.properties ?? {}), tool.name).toBe(false);
      expect(TOKEN_ARGUMENT in ((tool.outputSchema?.properties ?? {}) as object), tool.name).toBe(false);
    }
    const [createCase] = definitions('all', 'elicitation').filter((t) => t.name === 'createCase');
    expect(createCase?.description).toMatch(/asked to confirm it before anything is written/);
  });

  it('list only what the write policy allows', () => {
    const names = (policy: object) => definitions('all', 'token', policy).map((t) => t.name);
    const reads = OPERATION_SETS.all.filter((op) => !isWriteOperation(op)).map((op) => op.name);
    expect(names({ readOnly: true })).toEqual(reads);
    const caseCreates = names({ objects: { Case: { actions: ['create'] } } });
    expect(caseCreates).toEqual(
      expect.arrayContaining([...reads, 'createCase', 'createCaseFromConversation']),
    );
    expect(caseCreates).not.toContain('updateCase');
    expect(caseCreates).not.toContain('logCall');
    expect(names({ objects: { task: {} } })).toEqual(expect.arrayContaining(['logCall', 'deleteTask']));
  });

  it('are published as snapshotted, so that a change to any of them is a visible diff', async () => {
    await expect(`${JSON.stringify(definitions('all', 'token'), null, 2)}\n`).toMatchFileSnapshot(
      '__snapshots__/tools/all.json.snap',
    );
    const toolsets = Object.fromEntries(
      TOOLSET_NAMES.map((name) => [name, definitions(name, 'token').map((t) => t.name)]),
    );
    await expect(`${JSON.stringify(toolsets, null, 2)}\n`).toMatchFileSnapshot(
      '__snapshots__/tools/toolsets.json.snap',
    );
  });
});

describe('titleOf', () => {
  it('turns a camelCase name into words', () => {
    expect(titleOf('getCaseDetailsFromNumber')).toBe('Get case details from number');
    expect(titleOf('apiLimits')).toBe('Api limits');
  });
});
