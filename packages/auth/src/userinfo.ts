import { z } from 'zod';
import { AuthError } from './errors.ts';

const userInfoSchema = z.object({
  user_id: z.string(),
  organization_id: z.string(),
  preferred_username: z.string().optional(),
  name: z.string().optional(),
  email: z.string().optional(),
});

export type UserInfo = z.infer<typeof userInfoSchema>;

/**
 * Asks Salesforce who owns an access token (`GET /services/oauth2/userinfo`). A token Salesforce does
 * not accept gives `SF_SESSION_EXPIRED`.
 */
export async function fetchUserInfo(options: {
  instanceUrl: string;
  accessToken: string;
  fetch?: typeof fetch;
}): Promise<UserInfo> {
  const doFetch = options.fetch ?? fetch;
  const url = new URL('/services/oauth2/userinfo', options.instanceUrl);
  let response: Response;
  try {
    response = await doFetch(url, {
      headers: { authorization: `Bearer ${options.accessToken}`, accept: 'application/json' },
    });
  } catch (cause) {
    throw new AuthError('SF_AUTH_FAILED', `Could not reach ${url.origin} to check the access token`, {
      cause,
    });
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    throw new AuthError('SF_SESSION_EXPIRED', 'The Salesforce access token is invalid or expired', {
      salesforceError: 'INVALID_SESSION_ID',
    });
  }
  const parsed = userInfoSchema.safeParse(await response.json().catch(() => undefined));
  if (!response.ok || !parsed.success) {
    throw new AuthError('SF_AUTH_FAILED', `Salesforce answered userinfo with HTTP ${response.status}`);
  }
  return parsed.data;
}
