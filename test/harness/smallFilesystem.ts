// A small size-limited filesystem (tmpfs) the tests can fill to the last byte and free again: the
// "disk full" a Pi's SD card reaches. Mounting needs root; callers skip with `needsRoot` otherwise.
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

export const needsRoot: string | false = process.getuid?.() === 0 ? false : "mounting a small filesystem needs root";

export interface SmallFilesystem {
  readonly dir: string;
  /** Writes a ballast file until the filesystem has no byte left. */
  fill(): void;
  /** Removes the ballast: the space is back. */
  free(): void;
  unmount(): void;
}

export function mountSmallFilesystem(dir: string, sizeMiB: number): SmallFilesystem {
  mkdirSync(dir, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMiB}m,mode=0700`, "tmpfs", dir]);
  const ballast = join(dir, ".ballast");
  return {
    dir,
    fill() {
      const fd = openSync(ballast, "a");
      try {
        // Big chunks first, then smaller ones, so the last partial block is used up too. Bounded by the size.
        for (const chunk of [1 << 20, 1 << 12, 1 << 9, 1]) {
          const bytes = Buffer.alloc(chunk, 0x42);
          for (let written = 0; written <= sizeMiB << 20; written += chunk) {
            try {
              writeSync(fd, bytes);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code === "ENOSPC") break;
              throw error;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(ballast, { force: true });
    },
    unmount() {
      // Lazy: a process killed a moment ago may still hold a file open there.
      execFileSync("umount", ["-l", dir]);
    },
  };
}
