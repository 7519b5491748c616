import { loadStartConfig } from './config.ts';
import { banner, startStack } from './stack.ts';

/**
 * Log lines written before the banner are held and written after it, so that the first thing a
 * person sees is where everything runs, and the JSON log lines follow.
 */
function heldStdout() {
  let held: string[] | undefined = [];
  return {
    write(line: string) {
      if (held) held.push(line);
      else process.stdout.write(line);
    },
    release() {
      const lines = held ?? [];
      held = undefined;
      for (const line of lines) process.stdout.write(line);
    },
  };
}

async function main() {
  const config = loadStartConfig();
  const logs = heldStdout();
  const stack = await startStack(config, { logDestination: logs });
  console.log(banner(stack));
  logs.release();
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping...');
    stack.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  // Ctrl-C is how a person stops `pnpm start`: a normal end, status 0.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
