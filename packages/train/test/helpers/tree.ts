/** Temporary directories and random file trees for storage and checkpoint tests. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';

/** Temporary directories removed by `cleanup()`. */
export function tempDirs(): { make(prefix?: string): string; cleanup(): void } {
  const dirs: string[] = [];
  return {
    make(prefix = 'ray-ts-train-test-') {
      const d = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
    cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Writes random binary files in nested directories (with a hidden file and an empty file); returns their contents. */
export function writeRandomTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>([
    ['model.bin', randomBytes(70_000)],
    ['weights/layer0.bin', randomBytes(1234)],
    ['weights/deep/er/layer1.bin', randomBytes(5)],
    ['.hidden/state.bin', randomBytes(300)],
    ['_underscore.bin', randomBytes(17)],
    ['empty.bin', Buffer.alloc(0)],
    ['all-bytes.bin', Buffer.from(Array.from({ length: 256 }, (_, i) => i))],
  ]);
  for (const [rel, bytes] of files) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), bytes);
  }
  return files;
}

/** Every file under a local directory: relative path (`/`) → bytes. */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p).split(sep).join('/'), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Asserts a local directory holds exactly these files, bit for bit. */
export function assertTree(dir: string, expected: Map<string, Buffer>): void {
  const actual = readTree(dir);
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [rel, bytes] of expected) assert.ok(actual.get(rel)!.equals(bytes), `${rel} differs`);
}
