import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

const CHUNK_CHARS = 256 * 1024;

/**
 * Writes `lines` to `<dir>/<fileName>` so that the name only ever holds a complete, durable file:
 * a temporary file of this writer's own (two writers never share one) is written, flushed to disk,
 * and renamed over the name, and the directory entry is flushed too. Returns the file's SHA-256.
 * A crash leaves at most a stray `.tmp` file and the name untouched or whole.
 */
export async function writeArchiveFile(dir: string, fileName: string, lines: AsyncIterable<string>): Promise<string> {
  const target = join(dir, fileName);
  const temporary = join(dir, `.${fileName}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const sha256 = createHash('sha256');
  const file = await open(temporary, 'wx');
  try {
    // Lines gathered into chunks: one write per line would be a system call per event.
    let chunk = '';
    for await (const line of lines) {
      sha256.update(line, 'utf8');
      chunk += line;
      if (chunk.length >= CHUNK_CHARS) {
        await file.write(chunk, null, 'utf8');
        chunk = '';
      }
    }
    if (chunk !== '') await file.write(chunk, null, 'utf8');
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  await rename(temporary, target);
  await syncDirectory(dir);
  return sha256.digest('hex');
}

/** The rename is durable only once the directory is flushed (POSIX); Windows cannot open one, and needs not. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
