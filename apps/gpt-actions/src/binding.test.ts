import { describe, expect, it } from 'vitest';
import { fitForGpt, MAX_RESPONSE_CHARS } from './binding.ts';

describe('fitForGpt', () => {
  it('keeps an answer that fits as it is', () => {
    const body = { records: [{ Id: '003', Name: 'Sarah' }] };
    expect(fitForGpt(body)).toBe(body);
  });

  it('cuts a list of records too long for a GPT Action, and says how to ask for less', () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ Id: `500${i}`, Description: 'x'.repeat(4000) }));
    const fitted = fitForGpt({ totalSize: 50, done: true, records }) as {
      records: unknown[];
      truncated: boolean;
      note: string;
    };
    expect(JSON.stringify(fitted).length).toBeLessThan(MAX_RESPONSE_CHARS);
    expect(JSON.stringify(fitted).length).toBeLessThan(100_000);
    expect(fitted.records.length).toBe(23);
    expect(fitted.records[0]).toEqual(records[0]);
    expect(fitted).toMatchObject({
      totalSize: 50,
      truncated: true,
      note: expect.stringContaining('first 23 of 50'),
    });
  });
});
