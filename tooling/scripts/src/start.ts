import { loadStartConfig } from './config.ts';
import { banner, startStack } from './stack.ts';

async function main() {
  const config = loadStartConfig();
  const stack = await startStack(config);
  console.log(banner(stack));
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
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
