import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askYesNo } from './prompt.ts';

/** Asks with `typed` as what the person types (then the input ends), and what the prompt printed. */
async function ask(typed: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => {
    shown += chunk.toString();
  });
  const answer = askYesNo('Proceed? [y/N] ', { input, output });
  input.end(typed);
  return { answer: await answer, shown };
}

describe('askYesNo', () => {
  it('is yes only for y or yes, whatever the case', async () => {
    for (const typed of ['y\n', 'Y\n', 'yes\n', ' YES \n']) expect((await ask(typed)).answer).toBe(true);
    for (const typed of ['\n', 'n\n', 'no\n', 'yep\n', 'y es\n'])
      expect((await ask(typed)).answer).toBe(false);
  });

  it('is no when the input ends without an answer (Ctrl-D)', async () => {
    expect((await ask('')).answer).toBe(false);
  });

  it('shows the question', async () => {
    expect((await ask('n\n')).shown).toContain('Proceed? [y/N] ');
  });
});
