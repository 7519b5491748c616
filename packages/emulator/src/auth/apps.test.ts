import { describe, expect, it } from 'vitest';
import { callbackUrlMatches, connectedAppSchema } from './apps.ts';

describe('callback URLs', () => {
  it('match exactly, as in Salesforce', () => {
    const url = 'https://app.example.com/oauth/callback';
    expect(callbackUrlMatches(url, url)).toBe(true);
    for (const other of [
      'https://app.example.com/oauth/callback/',
      'http://app.example.com/oauth/callback',
      'https://app.example.com:8443/oauth/callback',
      'https://APP.example.com/oauth/callback',
      'https://app.example.com/oauth/callback?x=1',
      'https://app.example.com/oauth/Callback',
    ]) {
      expect(callbackUrlMatches(url, other)).toBe(false);
    }
  });

  it('let * stand for one whole, plain path segment and nothing else (emulator convenience)', () => {
    const gpt = 'https://chatgpt.com/aip/*/oauth/callback';
    expect(callbackUrlMatches(gpt, 'https://chatgpt.com/aip/g-abc123/oauth/callback')).toBe(true);
    expect(callbackUrlMatches(gpt, 'https://chatgpt.com/aip/plugin-1a2b.3_c~d/oauth/callback')).toBe(true);
    for (const other of [
      'https://chatgpt.com/aip//oauth/callback',
      'https://chatgpt.com/aip/a/b/oauth/callback',
      'https://chatgpt.com/aip/a%2Fb/oauth/callback',
      'https://chatgpt.com/aip/../oauth/callback',
      'https://chatgpt.com/aip/./oauth/callback',
      'https://chatgpt.com/aip/x/oauth/callback?next=https://evil.example.com',
      'https://chatgpt.com.evil.example.com/aip/x/oauth/callback',
      'https://evil.example.com/aip/x/oauth/callback',
      'https://chatgpt.com:444/aip/x/oauth/callback',
      'HTTPS://chatgpt.com/aip/x/oauth/callback',
      'https://chatgpt.com/aip/x/oauth/callback/',
    ]) {
      expect(callbackUrlMatches(gpt, other), other).toBe(false);
    }
  });

  it('refuses a * anywhere but as a whole path segment in the configuration', () => {
    const app = (callbackUrls: string[]) =>
      connectedAppSchema.safeParse({ clientId: 'a', clientSecret: 'b', callbackUrls }).success;
    expect(app(['https://chatgpt.com/aip/*/oauth/callback'])).toBe(true);
    expect(app(['https://*.example.com/cb'])).toBe(false);
    expect(app(['https://example.com/g-*/cb'])).toBe(false);
    expect(app(['https://example.com/cb?x=*'])).toBe(false);
    expect(app(['/relative/cb'])).toBe(false);
  });
});
