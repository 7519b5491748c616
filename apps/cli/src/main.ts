#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
import { createProgram } from './program.ts';

await createProgram({
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
}).parseAsync(process.argv);
