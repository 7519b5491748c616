import { describe, expect, it, vi } from 'vitest';
import { noteBodyFromContent } from '../src/note/index.ts';

describe('noteBodyFromContent', () => {
  it('fetches the bytes behind a Content URL (one call) and reads the HTML as text', async () => {
    const blob = vi.fn(async () => Buffer.from('<p>Call back &amp; confirm</p><p>Line 2 &lt;ok&gt;</p>'));
    const client = { blob } as never;
    const text = await noteBodyFromContent(
      { client },
      '/services/data/v60.0/sobjects/ContentNote/0695g0000000001AAA/Content',
    );
    expect(text).toBe('Call back & confirm\nLine 2 <ok>');
    expect(blob).toHaveBeenCalledTimes(1);
  });

  it('reads inline base64 without a call, and gives null for no content', async () => {
    const blob = vi.fn();
    const client = { blob } as never;
    expect(await noteBodyFromContent({ client }, Buffer.from('plain').toString('base64'))).toBe('plain');
    expect(await noteBodyFromContent({ client }, null)).toBeNull();
    expect(await noteBodyFromContent({ client }, '')).toBeNull();
    expect(blob).not.toHaveBeenCalled();
  });
});
