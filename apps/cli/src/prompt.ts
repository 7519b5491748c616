import { createInterface } from 'node:readline';

/**
 * Asks a yes-or-no question and answers true only for `y` or `yes` (any case): anything else, an
 * empty line, the end of the input (Ctrl-D) or Ctrl-C is no.
 */
export function askYesNo(
  question: string,
  streams: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream },
): Promise<boolean> {
  const rl = createInterface({ input: streams.input, output: streams.output });
  return new Promise<boolean>((resolve) => {
    rl.once('line', (line) => {
      resolve(/^\s*y(es)?\s*$/i.test(line));
      rl.close();
    });
    // Ctrl-C at a terminal prompt is a no, not a dead prompt.
    rl.once('SIGINT', () => {
      streams.output.write('\n');
      rl.close();
    });
    rl.once('close', () => resolve(false));
    rl.setPrompt(question);
    rl.prompt();
  });
}
