import type { ConnectedAppConfig } from './apps.ts';
import { OAUTH_FLOWS } from './apps.ts';

/**
 * The demo app's JWT signing key. It is published on purpose, like the demo password: anyone can sign
 * assertions for the demo org with it. Never give a real connected app this certificate.
 */
export const DEMO_JWT_PRIVATE_KEY = `
-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCMwHXUJm/w6uf0
lmaELYKTbTRHZwxP3XZnMDFjcmOCXjoUG4k7c5aWIabNct//0kV6hARKw5xY6ubZ
94OyisAXfGYXFBUSe9gLHkE6lZsjbRlkBhpH86lLjYUjs1N1ONC6jwK179uVnnlE
GHnEsNQ+m7a6hgUvh0rJjtJWy++0Tp+qvNrBZDp7On7IqpYJWjuQkgKlT3GbBE5g
bGllG+k5oeDPnfuHxz6I+8nN3g0YewkJfLvxCp3whS1sKMmiGJuwFBo3tGjh78q/
LkYIQjtTGZIfQXLasaHjqx4pbQ2mEpvCf56iuvo5qY8iUQobeYRKhem2vHAfpaGN
mQ2NyrC/AgMBAAECggEAIfzplxCvEFSRLYlR+RIKSXJh4Oob2X9Hc7R6AKMjL1x0
lt1tXotTbi5zGoJmX96VQ3f0l18z9m7GzxSLW0ZRC3rRJjqFuiBos4qbQrvUqhHS
w0oL95r5oxJp94x6l0BgeuREyc1BT5hkfRKR+PKgVfwA/HqXbvozD4fq9+WoHPhR
vUOzJaUk8VJUFBLW5nKTZtfBLPufWBsp0Cit0ZA6cvIIwpHuvl2at7U9FHQudwEE
n2JJZaSvA0n9N9lGtWwMnqpT9GDdPHW0wPCnXnGt8Dyjf+LBMsSckRUgebuOKvKO
zzpbqm08x9KSWqRTT8ECOQx2ZUFhNXy7vWv4W4IAkQKBgQC/XownNjiq+JlAVHmd
jCKseqyv9Nmo0Z16Q8D8NuI0J/G9+sEHyBjofTcNr89ilOb9ioz5cUyR6YmFPtf5
CS9h4jdPZW/WJgzSNOlafPMtTKAR6qlGRaNf5NlG9/U7LC+r+m8knfVjRnTpzbQo
K0DNJNDc7E45A/6wXZ0DWuKIDwKBgQC8SZxwEPHI+kIam8a9keg1OhBR0/6wLb5w
/mt7QAjvaBQYTpqPHELZu7ImzD2kyuiUsqE6DU8dWDaBtDomloVV8IeGPwRNaaeZ
lQctgpKgKAgHBweIAtLq0UepIANgtyKFoqEgwKV54UjY6ebydAWZKdI1eI6kOFut
en9xywQcUQKBgH0esyH8GIbobUKbOLyiYBVHS9rritgO3RiQbgA5XiJdr3fYGBcf
Y/G11KX1OfGpi3FgAhYhVr/b4lclJI4lzD4CaslVeA6a6C0T/TJ1mYUXoVy1gaF5
bH0JImp9OnBKzoxx+/MD9+nFqjEnlk/hH8hA9vJK6kXq772eJ0eHR69PAoGBAKHa
ZS+wYSdyeQCGiADNO98FWqH8qiKoL9zR13LLSOMDhMKgTxxWHuEsB6hySUsvYV7x
bsaISknfWnuEgbhKC7QkX1t3MCubdwb+pHzqkUA7KSthT4gLZWOVIxSvADhTNMnL
Utbkw1pR3l0YM/6W3XkcCicMyxE/oQ8vDf6zlYUBAoGAYJak83kl3PSeiTgS35sA
9wTj5Bm5iUmYGQqzqACljDARQyNcB+QXFUW0IaEoW1fGUC7zOLt4PWpjP6HvHC7n
ROz7vqtQO2bEdIx8GGZlkDXqo6K966A0RT3yx/CYZ9JKrxLXzJ2/GXIH7LtLBHhz
U3399QronSmdaOpHIe8EGTw=
-----END PRIVATE KEY-----
`.trim();

/** The certificate the demo app holds for the JWT bearer flow (pairs with {@link DEMO_JWT_PRIVATE_KEY}). */
export const DEMO_JWT_CERTIFICATE = `
-----BEGIN CERTIFICATE-----
MIIDPTCCAiWgAwIBAgIUQ49qmfC/L+joFxwIZNPF4jwJaSIwDQYJKoZIhvcNAQEL
BQAwLTErMCkGA1UEAwwic2ZncWwgZGVtbyBKV1QgKHB1YmxpYywgdGVzdCBvbmx5
KTAgFw0yNjExMjIwMzM1MDZaGA8yMTI2MTAyOTAzMzUwNlowLTErMCkGA1UEAwwi
c2ZncWwgZGVtbyBKV1QgKHB1YmxpYywgdGVzdCBvbmx5KTCCASIwDQYJKoZIhvcN
AQEBBQADggEPADCCAQoCggEBAIzAddQmb/Dq5/SWZoQtgpNtNEdnDE/ddmcwMWNy
Y4JeOhQbiTtzlpYhps1y3//SRXqEBErDnFjq5tn3g7KKwBd8ZhcUFRJ72AseQTqV
myNtGWQGGkfzqUuNhSOzU3U40LqPArXv25WeeUQYecSw1D6btrqGBS+HSsmO0lbL
77ROn6q82sFkOns6fsiqlglaO5CSAqVPcZsETmBsaWUb6Tmh4M+d+4fHPoj7yc3e
DRh7CQl8u/EKnfCFLWwoyaIYm7AUGje0aOHvyr8uRghCO1MZkh9BctqxoeOrHilt
DaYSm8J/nqK6+jmpjyJRCht5hEqF6ba8cB+loY2ZDY3KsL8CAwEAAaNTMFEwHQYD
VR0OBBYEFAPRxZz72TAXqwu4u9Ghk+PDDyquMB8GA1UdIwQYMBaAFAPRxZz72TAX
qwu4u9Ghk+PDDyquMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADggEB
AC/3yds3sUKO1q5aA9OCtj+8iS1pBmjg2sroO1CV4wZ0TIP3m97/wylEnlviko6k
V0B2uJyv4bgJZwzyR2nGNHs3MMIVZOQWy0gkfk3B8+aAI03iWbHq8YLSk8hcjROL
ECmDIw/JSxq8CsNDeJOhPMN8R39DmShdD8pkPiaYSSYsmm1SPL9AwTuawheSsTcx
HaOTXNlCxCFBO8AajKHctAaBzT7ULY1ROlk0NMTrMcvSz/HkJ2F9U4QSfVG11wX/
lM5A0XmoNG06Sm7ICwxlbRqdVaYLIMTKiS1Ic7a6jIaBBiWoYotbaZSr5xrxAvS7
3x+AejU+ZsCJfXUKTaKT5GI=
-----END CERTIFICATE-----
`.trim();

/**
 * The demo org's connected app `sfgql-demo`: every flow on, the demo admin as the client-credentials
 * "Run As" user, the demo JWT certificate, and callback URLs for a local app and for ChatGPT's GPT
 * Actions. A GPT's callback URL carries its id (`https://chatgpt.com/aip/g-abc123/oauth/callback`);
 * Salesforce would need that exact URL, while the demo app lists it with the emulator's `*` segment
 * wildcard so that any GPT works against the demo org. To test exact matching, give the emulator an
 * app of your own with `--apps` (it replaces the seeded one with the same client id).
 */
export function demoConnectedApp(options: {
  clientId: string;
  clientSecret: string;
  integrationUser: string;
}): ConnectedAppConfig {
  return {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    name: 'sfgql demo',
    callbackUrls: [
      'http://127.0.0.1:4000/oauth/callback',
      'http://localhost:4000/oauth/callback',
      'https://chat.openai.com/aip/*/oauth/callback',
      'https://chatgpt.com/aip/*/oauth/callback',
    ],
    flows: [...OAUTH_FLOWS],
    scopes: ['api', 'refresh_token', 'offline_access', 'id', 'profile', 'email', 'openid', 'web', 'full'],
    certificate: DEMO_JWT_CERTIFICATE,
    integrationUser: options.integrationUser,
  };
}
