import { describe, expect, it } from 'vitest';
import { loadCliConfig } from './config.ts';

describe('loadCliConfig', () => {
  it("acts with a person's own token first", async () => {
    const config = loadCliConfig({
      SALESFORCE_INSTANCE_URL: 'https://example.my.salesforce.com',
      SALESFORCE_ACCESS_TOKEN: '00Dx!token',
      SF_CLIENT_ID: 'ignored',
      SF_CLIENT_SECRET: 'ignored',
    });
    expect(config.credentials).toBe('token');
    expect(await config.session.current()).toEqual({
      instanceUrl: 'https://example.my.salesforce.com',
      accessToken: '00Dx!token',
    });
    expect(config).toMatchObject({ apiVersion: '60.0', dataDir: '.sfgql', audit: 'file' });
  });

  it('acts as the SF_* integration user without one', () => {
    const config = loadCliConfig({
      SF_LOGIN_URL: 'https://login.example.com',
      SF_CLIENT_ID: 'id',
      SF_CLIENT_SECRET: 's',
    });
    expect(config.credentials).toBe('integration');
  });

  it('names what is missing or wrong, as a CONFIGURATION error', () => {
    const refused = (env: Record<string, string>, message: RegExp) =>
      expect(() => loadCliConfig(env)).toThrow(
        expect.objectContaining({
          name: 'CliError',
          code: 'CONFIGURATION',
          message: expect.stringMatching(message),
        }),
      );
    refused({}, /SALESFORCE_ACCESS_TOKEN.*SF_CLIENT_ID/);
    refused({ SALESFORCE_ACCESS_TOKEN: 't' }, /needs SALESFORCE_INSTANCE_URL/);
    refused(
      { SALESFORCE_INSTANCE_URL: 'nope', SALESFORCE_ACCESS_TOKEN: 't' },
      /SALESFORCE_INSTANCE_URL must be the org URL/,
    );
    refused({ SF_CLIENT_ID: 'id' }, /client credentials flow needs SF_CLIENT_SECRET/);
    refused(
      {
        SALESFORCE_ACCESS_TOKEN: 't',
        SALESFORCE_INSTANCE_URL: 'https://x.example.com',
        SFGQL_CONFIRM_SECRET: 'short',
      },
      /SFGQL_CONFIRM_SECRET/,
    );
  });
});
