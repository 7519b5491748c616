import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo.ts';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call, login } from '../test-helpers.ts';
import { releaseName } from './versions.ts';

let emulator: RunningEmulator;
let token: string;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
  token = await login(emulator);
});
afterAll(() => emulator.close());

describe('paths', () => {
  it('reaches the same resource through doubled and trailing slashes', async () => {
    const soql = encodeURIComponent(`SELECT CaseNumber FROM Case WHERE CaseNumber = '${DEMO.caseNumber}'`);
    for (const path of [
      `//services/data/v60.0/query?q=${soql}`,
      `/services//data///v60.0/query/?q=${soql}`,
      `/services/data/v60.0/query?q=${soql}`,
    ]) {
      const response = await call(emulator, token, 'GET', path);
      expect(response.status, path).toBe(200);
      expect(response.body.records[0].CaseNumber).toBe(DEMO.caseNumber);
    }
    expect((await call(emulator, token, 'GET', '//services/data/v60.0/sobjects/Nope__c')).status).toBe(404);
  });
});

describe('versions and resources', () => {
  it('lists 31.0 to 66.0 with their release names, without a session', async () => {
    const versions = (await (await fetch(`${emulator.url}/services/data`)).json()) as {
      label: string;
      url: string;
      version: string;
    }[];
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 36 }, (_, i) => `${31 + i}.0`));
    expect(versions[0]).toEqual({ label: "Summer '14", url: '/services/data/v31.0', version: '31.0' });
    expect(versions.find((v) => v.version === '60.0')?.label).toBe("Spring '24");
    expect(versions.at(-1)?.label).toBe("Spring '26");
    expect(releaseName('65.0')).toBe("Winter '26");
  });

  it('serves every listed version and refuses others', async () => {
    for (const version of ['v31.0', 'v45.0', 'v66.0']) {
      expect((await call(emulator, token, 'GET', `/services/data/${version}/sobjects`)).status, version).toBe(
        200,
      );
    }
    for (const version of ['v30.0', 'v67.0', 'v60', 'latest']) {
      expect((await call(emulator, token, 'GET', `/services/data/${version}/sobjects`)).status, version).toBe(
        404,
      );
    }
    expect((await call(emulator, 'nope', 'GET', '/services/data/v60.0')).status).toBe(401);
  });

  it('lists the resources each version serves, and serves each one it lists', async () => {
    const latest = await call(emulator, token, 'GET', '/services/data/v66.0');
    expect(Object.keys(latest.body).sort()).toEqual(
      [
        'compactLayouts',
        'composite',
        'identity',
        'jobs',
        'limits',
        'parameterizedSearch',
        'query',
        'queryAll',
        'recent',
        'search',
        'sobjects',
        'tabs',
        'theme',
      ].sort(),
    );
    expect(latest.body.identity).toBe(`${emulator.url}/id/${emulator.org.orgId}/${(await whoAmI()).user_id}`);
    const old = await call(emulator, token, 'GET', '/services/data/v31.0');
    expect(Object.keys(old.body)).not.toContain('parameterizedSearch');
    expect(Object.keys(old.body)).not.toContain('composite');
    expect(Object.keys(old.body)).not.toContain('jobs');
    // Each listed resource answers (the query and search ones need their parameter).
    const params: Record<string, string> = {
      query: '?q=SELECT+Id+FROM+Case',
      queryAll: '?q=SELECT+Id+FROM+Case',
    };
    params.search = `?q=${encodeURIComponent('FIND {Acme}')}`;
    params.parameterizedSearch = '?q=Acme';
    params.compactLayouts = '?q=Account';
    for (const [name, url] of Object.entries(latest.body as Record<string, string>)) {
      if (name === 'identity' || name === 'composite') continue;
      const response = await call(emulator, token, 'GET', `${url}${params[name] ?? ''}`);
      expect(response.status, name).toBe(200);
    }
  });

  it('answers 404 for resources newer than the version asked', async () => {
    expect(
      (await call(emulator, token, 'GET', '/services/data/v35.0/parameterizedSearch?q=Acme')).status,
    ).toBe(404);
    expect(
      (await call(emulator, token, 'GET', '/services/data/v41.0/composite/sobjects/Case?ids=x&fields=Id'))
        .status,
    ).toBe(404);
    expect((await call(emulator, token, 'GET', '/services/data/v30.0/recent')).status).toBe(404);
  });

  it('answers an upsert that updates with 204 before API 46.0, and 200 with created: false after', async () => {
    const created = await call(emulator, token, 'POST', '/services/data/v60.0/sobjects/Account', {
      Name: 'Upserted by Id',
    });
    const path = (version: string) => `/services/data/${version}/sobjects/Account/Id/${created.body.id}`;
    const before = await call(emulator, token, 'PATCH', path('v45.0'), { Description: 'updated in v45' });
    expect(before.status).toBe(204);
    expect(before.text).toBe('');
    const after = await call(emulator, token, 'PATCH', path('v46.0'), { Description: 'updated in v46' });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ success: true, created: false });
  });
});

async function whoAmI() {
  return (await call(emulator, token, 'GET', '/services/oauth2/userinfo')).body as { user_id: string };
}

describe('identity', () => {
  it('answers the identity URL in the identity shape, and userinfo in the OpenID shape', async () => {
    const { user_id: userId } = await whoAmI();
    const url = `/id/${emulator.org.orgId}/${userId}`;
    const response = await call(emulator, token, 'GET', url);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: `${emulator.url}${url}`,
      asserted_user: true,
      user_id: userId,
      organization_id: emulator.org.orgId,
      username: DEMO.username,
      display_name: expect.any(String),
      nick_name: expect.any(String),
      email: expect.stringContaining('@'),
      first_name: expect.any(String),
      last_name: expect.any(String),
      photos: { picture: expect.stringMatching(/^http/), thumbnail: expect.stringMatching(/^http/) },
      urls: {
        rest: `${emulator.url}/services/data/v{version}/`,
        partner: `${emulator.url}/services/Soap/u/{version}/${emulator.org.orgId}`,
      },
      active: true,
      user_type: 'STANDARD',
      is_app_installed: true,
      timezone: 'America/Los_Angeles',
    });
    // Los Angeles is eight hours behind UTC in winter, seven in summer.
    expect([-8 * 3600_000, -7 * 3600_000]).toContain(response.body.utcOffset);
    expect(response.body).not.toHaveProperty('preferred_username');
    const latest = await call(emulator, token, 'GET', `${url}?version=latest`);
    expect(latest.body.urls.rest).toBe(`${emulator.url}/services/data/v66.0/`);
    const info = await call(emulator, token, 'GET', '/services/oauth2/userinfo');
    expect(info.body).toMatchObject({ preferred_username: DEMO.username, user_id: userId });
    expect(info.body).not.toHaveProperty('display_name');
  });

  it("serves another user's identity in the org, and refuses other orgs and unknown users", async () => {
    const agent = await login(emulator, DEMO.users.standard);
    const { user_id: adminId } = await whoAmI();
    const other = await call(emulator, agent, 'GET', `/id/${emulator.org.orgId}/${adminId}`);
    expect(other.status).toBe(200);
    expect(other.body.username).toBe(DEMO.username);
    expect((await call(emulator, token, 'GET', `/id/00D000000000001AAA/${adminId}`)).status).toBe(403);
    expect((await call(emulator, token, 'GET', `/id/${emulator.org.orgId}/005000000000999AAA`)).status).toBe(
      404,
    );
    expect((await call(emulator, 'bad', 'GET', `/id/${emulator.org.orgId}/${adminId}`)).status).toBe(401);
  });
});

describe('recent, tabs and theme', () => {
  it('lists the records the user changed last, newest first, capped by limit', async () => {
    const created = await call(emulator, token, 'POST', '/services/data/v60.0/sobjects/Account', {
      Name: 'Recently Touched Ltd',
    });
    const recent = await call(emulator, token, 'GET', '/services/data/v60.0/recent?limit=3');
    expect(recent.status).toBe(200);
    expect(recent.body).toHaveLength(3);
    expect(recent.body[0]).toEqual({
      attributes: { type: 'Account', url: `/services/data/v60.0/sobjects/Account/${created.body.id}` },
      Id: created.body.id,
      Name: 'Recently Touched Ltd',
    });
    expect((await call(emulator, token, 'GET', '/services/data/v60.0/recent?limit=-1')).status).toBe(400);
    const agent = await login(emulator, DEMO.users.standard);
    const theirs = await call(emulator, agent, 'GET', '/services/data/v60.0/recent');
    expect(theirs.body.map((r: { Id: string }) => r.Id)).not.toContain(created.body.id);
  });

  it('lists tabs and theme items for the objects', async () => {
    const tabs = await call(emulator, token, 'GET', '/services/data/v60.0/tabs');
    expect(tabs.status).toBe(200);
    expect(tabs.body.find((t: { sobjectName: string }) => t.sobjectName === 'Account')).toMatchObject({
      label: 'Accounts',
      name: 'standard-Account',
      custom: false,
      url: `${emulator.url}/001/o`,
      colors: [{ context: 'primary', color: expect.stringMatching(/^[0-9A-F]{6}$/) }],
    });
    const theme = await call(emulator, token, 'GET', '/services/data/v60.0/theme');
    expect(theme.body.themeItems.map((t: { name: string }) => t.name)).toContain('Contact');
  });
});
