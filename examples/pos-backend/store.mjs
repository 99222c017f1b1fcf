// Crash-safe files: write a temporary file, then rename it over the old
// one, so a reader (or a restart after power loss) sees either the old or
// the new content, never half of it.
import { mkdirSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeFileAtomic(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeFileSync(fd, text);
    fsyncSync(fd); // the snapshot must be on disk before the request leaves
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
