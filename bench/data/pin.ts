/**
 * Pins this process (all its threads) and the processes it starts from now on to the first
 * `cores` cores with `taskset` (util-linux), so that "1 CPU" means one core: without it a
 * 1-CPU run borrows the idle second core for V8's background threads (GC, compilation) and
 * the node manager in the driver, and a 1-vs-2 comparison measures less than the cores add.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

/** Pins to cores `0..cores-1`; returns what it did, or undefined when `taskset` is missing. */
export function pinTo(cores: number): string | undefined {
  // os.cpus(), not availableParallelism(): the latter follows this process's affinity.
  const list = cores <= 1 ? '0' : `0-${Math.min(cores, cpus().length) - 1}`;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', list, String(process.pid)], { stdio: 'ignore' });
    return `cores ${list}`;
  } catch {
    return undefined;
  }
}

/** Undoes {@link pinTo}: all cores again. */
export function unpin(): void {
  pinTo(cpus().length);
}
