import { describe, expect, it } from 'vitest';
import { loadMcpConfig } from './config.ts';
import { DEFAULT_TOOLSET } from './toolsets.ts';

const base = { SALESFORCE_INSTANCE_URL: 'https://x.my.salesforce.com' };
const integration = {
  SF_LOGIN_URL: 'https://x.my.salesforce.com',
  SF_CLIENT_ID: 'id',
  SF_CLIENT_SECRET: 'secret',
};
const key = 'k'.repeat(40);

describe('the MCP server settings', () => {
  it('default to port 4300, the default toolset, every write confirmed, and the org as authorization server', () => {
    const config = loadMcpConfig(base);
    expect(config).toMatchObject({
      port: 4300,
      host: '127.0.0.1',
      publicUrl: undefined,
      toolset: DEFAULT_TOOLSET,
      writes: {},
      apiKeys: [],
      anonymous: false,
      authorizationServer: 'https://x.my.salesforce.com',
      serviceEnv: undefined,
    });
    expect(
      loadMcpConfig({ ...base, SALESFORCE_LOGIN_URL: 'https://login.salesforce.com' }).authorizationServer,
    ).toBe('https://login.salesforce.com');
    expect(
      loadMcpConfig({ ...base, SFGQL_MCP_AUTHORIZATION_SERVER: 'https://relay.example.com' })
        .authorizationServer,
    ).toBe('https://relay.example.com');
    expect(loadMcpConfig({ ...base, SFGQL_MCP_PUBLIC_URL: 'https://mcp.example.com/' }).publicUrl).toBe(
      'https://mcp.example.com',
    );
  });

  it('read the write policy: all, none, or an allowlist of the objects tools write', () => {
    expect(loadMcpConfig({ ...base, SFGQL_MCP_WRITES: 'none' }).writes).toEqual({ readOnly: true });
    expect(loadMcpConfig({ ...base, SFGQL_MCP_WRITES: 'Case:create+update,task' }).writes).toEqual({
      objects: { Case: { actions: ['create', 'update'] }, task: {} },
    });
    // A typo would refuse every write to that object without a word: refused at start instead.
    expect(() => loadMcpConfig({ ...base, SFGQL_MCP_WRITES: 'Csae' })).toThrow(
      /SFGQL_MCP_WRITES names Csae, which no tool writes; the objects tools write are .*Case/,
    );
    expect(() => loadMcpConfig({ ...base, SFGQL_MCP_WRITES: 'Case:upsert' })).toThrow(
      /Invalid MCP server configuration:[\s\S]*SFGQL_MCP_WRITES: "Case:upsert"/,
    );
  });

  it('take a toolset by name and refuse others, naming the toolsets', () => {
    expect(loadMcpConfig({ ...base, SFGQL_MCP_TOOLSET: 'sales' }).toolset).toBe('sales');
    expect(() => loadMcpConfig({ ...base, SFGQL_MCP_TOOLSET: 'everything' })).toThrow(
      /SFGQL_MCP_TOOLSET is one of service, calls, sales, .*all/,
    );
  });

  it('need the integration user for API keys, anonymous access and stdio, and say which setting needs it', () => {
    expect(() => loadMcpConfig({ ...base, SFGQL_MCP_API_KEYS: key })).toThrow(
      /SFGQL_MCP_API_KEYS needs an integration user/,
    );
    expect(() => loadMcpConfig({ ...base, SFGQL_MCP_ANONYMOUS: 'demo' })).toThrow(
      /SFGQL_MCP_ANONYMOUS=demo needs an integration user/,
    );
    expect(() => loadMcpConfig(base, 'stdio')).toThrow(
      /The stdio server \(sfgql-mcp\) needs an integration user/,
    );
    const withKeys = loadMcpConfig({ ...base, ...integration, SFGQL_MCP_API_KEYS: `desktop:${key}` });
    expect(withKeys.apiKeys).toEqual([{ name: 'desktop', key }]);
    expect(withKeys.serviceEnv).toEqual(integration);
    expect(loadMcpConfig({ ...base, ...integration }, 'stdio').serviceEnv).toEqual(integration);
  });

  it('allow anonymous demo access on a loopback address only', () => {
    const demo = { ...base, ...integration, SFGQL_MCP_ANONYMOUS: 'demo' };
    expect(loadMcpConfig(demo).anonymous).toBe(true);
    expect(() => loadMcpConfig({ ...demo, SFGQL_HOST: '0.0.0.0' })).toThrow(
      /only allowed when SFGQL_HOST is a loopback/,
    );
  });

  it('refuse bad ports and URLs with the shared settings', () => {
    expect(() => loadMcpConfig({ ...base, SFGQL_MCP_PORT: '70000' })).toThrow(/SFGQL_MCP_PORT/);
    expect(() => loadMcpConfig({ ...base, SFGQL_MCP_AUTHORIZATION_SERVER: 'not a url' })).toThrow(
      /SFGQL_MCP_AUTHORIZATION_SERVER/,
    );
    expect(() => loadMcpConfig({})).toThrow(/SALESFORCE_INSTANCE_URL/);
  });
});
