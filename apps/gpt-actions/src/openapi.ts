import { CONFIRMATION_REQUIRED_SCHEMA, ERROR_RESPONSES } from './binding.ts';
import { PROBLEM_SCHEMA } from './problem.ts';
import type { Profile } from './profiles.ts';

export const OAUTH_SCHEME = 'salesforceOAuth';
export const API_KEY_SCHEME = 'apiKey';

/** Salesforce scopes the GPT asks for: the REST API, and a refresh token to stay signed in. */
export const OAUTH_SCOPES = { api: 'Access Salesforce data as you', refresh_token: 'Stay signed in' };

export interface DocumentOptions {
  /** The adapter's public URL (`servers`). */
  publicUrl: string;
  /** `oauth`: each user signs in to Salesforce; `apiKey`: one key, one integration user. */
  auth: 'oauth' | 'apiKey';
  /** The OAuth authorize and token URLs the GPT is configured with. */
  authorizationUrl: string;
  tokenUrl: string;
}

/** The OpenAPI 3.1 document of a profile, for a custom GPT to import. */
export function openApiDocument(profile: Profile, options: DocumentOptions): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const b of profile.bindings) {
    const item = paths[b.path] ?? {};
    paths[b.path] = item;
    if (item[b.method])
      throw new Error(`${profile.name}: ${b.method.toUpperCase()} ${b.path} is bound twice`);
    item[b.method] = {
      operationId: b.operationId,
      summary: b.summary,
      description: b.description,
      'x-openai-isConsequential': b.kind !== 'read',
      ...(b.parameters.length ? { parameters: b.parameters } : {}),
      ...(b.requestBody
        ? { requestBody: { required: true, content: { 'application/json': { schema: b.requestBody } } } }
        : {}),
      responses: b.responses,
    };
  }
  const scheme =
    options.auth === 'oauth'
      ? {
          [OAUTH_SCHEME]: {
            type: 'oauth2',
            description:
              'Salesforce OAuth 2.0 (authorization code): the GPT acts as the Salesforce user who signs in.',
            flows: {
              authorizationCode: {
                authorizationUrl: options.authorizationUrl,
                tokenUrl: options.tokenUrl,
                scopes: OAUTH_SCOPES,
              },
            },
          },
        }
      : {
          [API_KEY_SCHEME]: {
            type: 'http',
            scheme: 'bearer',
            description: "The adapter's API key: the GPT acts as the configured Salesforce integration user.",
          },
        };
  return {
    openapi: '3.1.0',
    info: { title: profile.title, description: profile.description, version: '1.0.0' },
    servers: [{ url: options.publicUrl }],
    paths,
    components: {
      schemas: { Problem: PROBLEM_SCHEMA, ConfirmationRequired: CONFIRMATION_REQUIRED_SCHEMA },
      responses: ERROR_RESPONSES,
      securitySchemes: scheme,
    },
    security: [
      options.auth === 'oauth' ? { [OAUTH_SCHEME]: Object.keys(OAUTH_SCOPES) } : { [API_KEY_SCHEME]: [] },
    ],
  };
}
