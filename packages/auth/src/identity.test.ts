import { describe, expect, it, vi } from 'vitest';
import { createSourceIdentity, identifySession } from './identity.ts';
import type { SalesforceSession, SessionSource } from './session.ts';

const ORG = '00D000000000001AAA';
const USER = '005000000000001AAA';
const base: SalesforceSession = { instanceUrl: 'https://example.my.salesforce.com', accessToken: 'token' };

/** A fetch that answers userinfo for `token`, and counts its calls. */
function userinfoFetch() {
  return vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    expect(String(input)).toBe('https://example.my.salesforce.com/services/oauth2/userinfo');
    const authorization = new Headers(init?.headers).get('authorization');
    if (authorization !== 'Bearer token') return new Response('[]', { status: 401 });
    return Response.json({ user_id: USER, organization_id: ORG });
  });
}

describe('identifySession', () => {
  it("takes the session's own ids without a call", async () => {
    const fetch = userinfoFetch();
    expect(await identifySession({ ...base, userId: USER, orgId: ORG }, { fetch })).toEqual({
      userId: USER,
      orgId: ORG,
    });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('reads the identity URL without a call', async () => {
    const fetch = userinfoFetch();
    const identityUrl = `https://login.salesforce.com/id/${ORG}/${USER}`;
    expect(await identifySession({ ...base, identityUrl }, { fetch })).toEqual({ userId: USER, orgId: ORG });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('asks userinfo otherwise, and a refused token is SF_SESSION_EXPIRED', async () => {
    const fetch = userinfoFetch();
    expect(await identifySession({ ...base, userId: USER }, { fetch })).toEqual({ userId: USER, orgId: ORG });
    expect(fetch).toHaveBeenCalledTimes(1);
    await expect(identifySession({ ...base, accessToken: 'other' }, { fetch })).rejects.toMatchObject({
      code: 'SF_SESSION_EXPIRED',
    });
  });
});

describe('createSourceIdentity', () => {
  it('asks once, however many callers, and remembers the answer', async () => {
    const fetch = userinfoFetch();
    const current = vi.fn(async () => base);
    const identity = createSourceIdentity({ current }, { fetch });
    const answers = await Promise.all([identity(), identity(), identity()]);
    expect(await identity()).toEqual({ userId: USER, orgId: ORG });
    expect(answers).toEqual([answers[0], answers[0], answers[0]]);
    expect(current).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('does not remember a failure: the next call tries again', async () => {
    let fail = true;
    const source: SessionSource = {
      current: async () => {
        if (fail) throw new Error('cannot sign in');
        return { ...base, userId: USER, orgId: ORG };
      },
    };
    const identity = createSourceIdentity(source);
    await expect(identity()).rejects.toThrow('cannot sign in');
    fail = false;
    expect(await identity()).toEqual({ userId: USER, orgId: ORG });
  });
});
