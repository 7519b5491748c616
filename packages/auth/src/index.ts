export { createApiKeyChecker, type NamedApiKey } from './api-keys.ts';
export {
  type BearerAuthenticator,
  type BearerAuthenticatorOptions,
  type BearerCache,
  bearerToken,
  type CheckedIdentity,
  createBearerAuthenticator,
  createRedisBearerCache,
} from './bearer.ts';
export {
  type Caller,
  type CallerResolver,
  type CallerResolverOptions,
  createCallerResolver,
  IntegrationUnavailableError,
  isIntegrationUnavailableError,
} from './callers.ts';
export { type ServiceAuth, type ServiceFlow, serviceAuthFromEnv } from './config.ts';
export { AuthError, type AuthErrorCode, isAuthError } from './errors.ts';
export {
  type AuthorizeRequest,
  type ClientCredentials,
  createAuthorizeRequest,
  exchangeAuthorizationCode,
  type JwtBearerOptions,
  loginWithClientCredentials,
  loginWithJwtBearer,
  refreshSession,
  revokeToken,
} from './flows.ts';
export { createSourceIdentity, identifySession, type SessionIdentity } from './identity.ts';
export { loginWithPassword, type PasswordLoginOptions } from './password.ts';
export { type CredentialProviderOptions, createCredentialProvider } from './provider.ts';
export { parseIdentityUrl, type SalesforceSession, type SessionSource, staticSession } from './session.ts';
export { requestToken, type TokenRequestOptions } from './token-endpoint.ts';
export {
  createMemoryTokenStore,
  createRedisTokenStore,
  type RedisTokenClient,
  type TokenStore,
} from './token-store.ts';
export { fetchUserInfo, type UserInfo } from './userinfo.ts';
