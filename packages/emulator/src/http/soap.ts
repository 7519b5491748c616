/**
 * The SOAP partner API's `login()` and `logout()` (`POST /services/Soap/u/{version}`), which
 * jsforce's `conn.login(username, password)` and the tools built on it use when they have no
 * connected app. Only these two calls are served; any other operation answers Salesforce's "No
 * operation available" fault.
 *
 * `login()` follows the OAuth password grant's rules: the password immediately followed by the
 * security token, the same lockout after ten failures, the same session (usable as a bearer token
 * on the REST API). A failure is the INVALID_LOGIN fault whatever the cause, as Salesforce words it.
 *
 * The envelope is read with fast-xml-parser rather than by hand: clients write it with different
 * namespace prefixes (`se:`, `env:`, `soapenv:`, none), with entities in the password, or with CDATA,
 * and the parser reads all of them the same way. Documents with a DTD are refused before parsing.
 */

import { XMLParser } from 'fast-xml-parser';
import type { Context, Hono } from 'hono';
import { createSession, revokeSession, verifyLogin } from '../auth/sessions.ts';
import type { Org } from '../org.ts';
import { statement } from '../store/database.ts';
import type { Env } from './app.ts';
import { API_VERSIONS } from './versions.ts';

/** A SOAP login's session has no connected app: this names its origin in the sessions table. */
export const SOAP_CLIENT_ID = 'SOAP API';

/** The org's name in `userInfo` (the emulator's orgs have no Organization record). */
const ORGANIZATION_NAME = 'sfgql emulator';

/** The largest SOAP request read (a login envelope is well under a kilobyte). */
const MAX_SOAP_BYTES = 64 * 1024;

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
});

const escapeXml = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch] as string,
  );

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';

const xml = (c: Context<Env>, body: string, status: 200 | 500) =>
  c.body(body, status, { 'Content-Type': 'text/xml;charset=UTF-8' });

/**
 * A SOAP fault. Salesforce's API faults (`sf:INVALID_LOGIN`) carry the exception code and message
 * in their detail; envelope problems are plain `soapenv:Client` faults.
 */
function fault(
  c: Context<Env>,
  code: string,
  message: string,
  detail?: 'LoginFault' | 'UnexpectedErrorFault',
) {
  const faultcode = detail ? `sf:${code}` : code;
  const faultstring = detail ? `${code}: ${message}` : message;
  const details = detail
    ? `<detail><sf:${detail} xsi:type="sf:${detail}"><sf:exceptionCode>${code}</sf:exceptionCode><sf:exceptionMessage>${escapeXml(message)}</sf:exceptionMessage></sf:${detail}></detail>`
    : '';
  return xml(
    c,
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>${faultcode}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring>${details}</soapenv:Fault>${ENVELOPE_CLOSE}`,
    500,
  );
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

const element = (value: unknown, name: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;

const INVALID_LOGIN = 'Invalid username, password, security token; or user locked out.';

interface UserRow {
  Id: string;
  Username: string;
  Name: string;
  Email: string;
  ProfileId: string | null;
  LocaleSidKey: string | null;
  LanguageLocaleKey: string | null;
  TimeZoneSidKey: string | null;
  UserType: string | null;
}

export function registerSoapRoutes(app: Hono<Env>, org: Org): void {
  const handler = async (c: Context<Env>) => {
    const version = c.req.param('version') ?? '';
    if (!API_VERSIONS.includes(version)) {
      // (unconfirmed) Salesforce's fault for a version it does not serve.
      return fault(
        c,
        'UNSUPPORTED_API_VERSION',
        `Invalid Api version specified on URL: ${version}`,
        'UnexpectedErrorFault',
      );
    }
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > MAX_SOAP_BYTES) return fault(c, 'soapenv:Client', 'Request too large');
    const source = await c.req.text();
    if (source.length > MAX_SOAP_BYTES) return fault(c, 'soapenv:Client', 'Request too large');
    if (/<!DOCTYPE|<!ENTITY/i.test(source)) return fault(c, 'soapenv:Client', 'DOCTYPE is not allowed');
    let envelope: unknown;
    try {
      envelope = element(parser.parse(source, true), 'Envelope');
    } catch {
      envelope = undefined;
    }
    const body = element(envelope, 'Body');
    if (body === undefined || body === null || typeof body !== 'object') {
      // (unconfirmed) Salesforce's wording for a request that is not a SOAP envelope.
      return fault(
        c,
        'soapenv:Client',
        'Unable to parse the request: a SOAP envelope with a Body is expected',
      );
    }
    const [operation] = Object.keys(body);
    const origin = new URL(c.req.url).origin;
    const now = org.now().getTime();

    if (operation === 'login') {
      const call = element(body, 'login');
      const username = text(element(call, 'username')) ?? '';
      const password = text(element(call, 'password')) ?? '';
      const userId = verifyLogin(org.db, username, password, { now, withToken: true });
      if (!userId) return fault(c, 'INVALID_LOGIN', INVALID_LOGIN, 'LoginFault');
      const session = createSession(org.db, {
        orgId: org.orgId,
        userId,
        clientId: SOAP_CLIENT_ID,
        now,
        lifetimeMs: org.sessionLifetimeMs,
        scope: 'full',
      });
      const user = statement(
        org.db,
        `SELECT "Id", "Username", "Name", "Email", "ProfileId", "LocaleSidKey", "LanguageLocaleKey", "TimeZoneSidKey", "UserType" FROM "User" WHERE "Id" = ?`,
      ).get(userId) as unknown as UserRow;
      const nil = (name: string, value: string | null) =>
        value === null ? `<${name} xsi:nil="true"/>` : `<${name}>${escapeXml(value)}</${name}>`;
      const userInfo = [
        '<accessibilityMode>false</accessibilityMode>',
        '<chatterExternal>false</chatterExternal>',
        '<currencySymbol>$</currencySymbol>',
        '<orgAttachmentFileSizeLimit>5242880</orgAttachmentFileSizeLimit>',
        '<orgDefaultCurrencyIsoCode>USD</orgDefaultCurrencyIsoCode>',
        '<orgDefaultCurrencyLocale>en_US</orgDefaultCurrencyLocale>',
        '<orgDisallowHtmlAttachments>false</orgDisallowHtmlAttachments>',
        '<orgHasPersonAccounts>false</orgHasPersonAccounts>',
        `<organizationId>${org.orgId}</organizationId>`,
        '<organizationMultiCurrency>false</organizationMultiCurrency>',
        `<organizationName>${ORGANIZATION_NAME}</organizationName>`,
        nil('profileId', user.ProfileId),
        '<roleId xsi:nil="true"/>',
        `<sessionSecondsValid>${Math.floor(org.sessionLifetimeMs / 1000)}</sessionSecondsValid>`,
        '<userDefaultCurrencyIsoCode xsi:nil="true"/>',
        nil('userEmail', user.Email),
        nil('userFullName', user.Name),
        `<userId>${user.Id}</userId>`,
        nil('userLanguage', user.LanguageLocaleKey ?? 'en_US'),
        nil('userLocale', user.LocaleSidKey ?? 'en_US'),
        nil('userName', user.Username),
        nil('userTimeZone', user.TimeZoneSidKey ?? 'America/Los_Angeles'),
        nil('userType', user.UserType ?? 'Standard'),
        '<userUiSkin>Theme3</userUiSkin>',
      ].join('');
      return xml(
        c,
        `${ENVELOPE_OPEN}<loginResponse><result><metadataServerUrl>${origin}/services/Soap/m/${version}/${org.orgId}</metadataServerUrl><passwordExpired>false</passwordExpired><sandbox>false</sandbox><serverUrl>${origin}/services/Soap/u/${version}/${org.orgId}</serverUrl><sessionId>${escapeXml(session.token)}</sessionId><userId>${userId}</userId><userInfo>${userInfo}</userInfo></result></loginResponse>${ENVELOPE_CLOSE}`,
        200,
      );
    }

    if (operation === 'logout') {
      const sessionId =
        text(element(element(element(envelope, 'Header'), 'SessionHeader'), 'sessionId')) ?? '';
      const live = statement(org.db, 'SELECT expiresAt FROM _sessions WHERE token = ? AND revoked = 0').get(
        sessionId,
      ) as { expiresAt: number } | undefined;
      if (!live || live.expiresAt <= now) {
        return fault(
          c,
          'INVALID_SESSION_ID',
          'Invalid Session ID found in SessionHeader: Illegal Session',
          'UnexpectedErrorFault',
        );
      }
      revokeSession(org.db, sessionId);
      return xml(c, `${ENVELOPE_OPEN}<logoutResponse/>${ENVELOPE_CLOSE}`, 200);
    }

    return fault(
      c,
      'soapenv:Client',
      `No operation available for request {urn:partner.soap.sforce.com}${operation ?? ''}, please check the WSDL for the service.`,
    );
  };
  app.post('/services/Soap/u/:version', handler);
  app.post('/services/Soap/u/:version/:orgId', handler);
}
