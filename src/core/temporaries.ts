/**
 * Temporary files and directories of a run (DuckDB's spill directory, export's file before its
 * rename), removed when the run ends, and by `removeTemporaries` when the process is interrupted
 * (bin/tokenomics.js: SIGINT, SIGTERM, SIGHUP), where no `finally` runs: a spill directory can
 * hold gigabytes, and a temporary file beside an output is litter in the user's folder.
 */
import { rmSync } from 'node:fs';

const live = new Set<string>();

/** Registers `path` (a file or a directory) for removal on an interrupt; answers it. */
export function temporary(path: string): string {
  live.add(path);
  return path;
}

/** Removes `path` (recursively, if it is there) and forgets it. */
export function removeTemporary(path: string): void {
  live.delete(path);
  rmSync(path, { recursive: true, force: true });
}

/** Removes every temporary path still registered (best effort: the process is ending). */
export function removeTemporaries(): void {
  for (const path of [...live]) {
    try {
      removeTemporary(path);
    } catch {
      // gone already, or not ours to remove any more
    }
  }
}
