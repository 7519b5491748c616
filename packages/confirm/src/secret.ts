import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file, inside the data directory, that holds the demo signing secret. */
export const SECRET_FILE = 'confirm-secret';

/** Signing secrets must carry at least this many bytes (HS256 wants a key as long as its hash). */
export const MIN_SECRET_BYTES = 32;

/**
 * The signing secret for demo mode: read from `<dataDir>/confirm-secret`, or generated (32 random
 * bytes, base64url) and written there with mode 0600 the first time, so tokens survive a restart.
 * The directory is created (0700) when missing; a secret file readable by others is narrowed to
 * 0600. For `':memory:'` (the emulator's in-memory mode) a fresh secret is returned and nothing is
 * written. Production deployments pass their secrets through configuration instead.
 */
export async function loadOrCreateSecret(dataDir: string): Promise<string> {
  if (dataDir === ':memory:') return randomBytes(MIN_SECRET_BYTES).toString('base64url');
  const file = join(dataDir, SECRET_FILE);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // Written to a private temporary file, then linked into place: link() fails if the file exists,
  // so two processes starting at once agree on one secret, and no reader sees a half-written file.
  const temporary = join(dataDir, `.${SECRET_FILE}.${process.pid}.${randomBytes(6).toString('hex')}`);
  await writeFile(temporary, `${randomBytes(MIN_SECRET_BYTES).toString('base64url')}\n`, {
    flag: 'wx',
    mode: 0o600,
  });
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  const secret = (await readFile(file, 'utf8')).trim();
  // A file someone edited by hand may be too short: say so rather than sign with a weak key.
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new Error(
      `The confirmation secret in ${file} is too short; delete the file to generate a new one.`,
    );
  }
  return secret;
}
