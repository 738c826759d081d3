/**
 * CPU seconds (user + system) used so far by this process and all its descendants (the
 * workers ray-ts starts, the plain reference processes), read from Linux's `/proc`;
 * NaN elsewhere. The difference over a run is the work the run cost, whatever share of
 * the cores other work on the machine left it: on a shared VM the wall-clock speedup
 * says how many cores were free, the CPU seconds whether using two added work.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ: 100 on Linux). */
const TICKS = 100;

/** CPU seconds of this process tree so far (exited children that were waited for are included by the kernel in their parent). */
export function treeCpuSeconds(): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return NaN;
  }
  const children = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const d of entries) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may contain spaces.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(d);
      const ppid = Number(f[1]);
      cpu.set(pid, (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS);
      const list = children.get(ppid) ?? [];
      list.push(pid);
      children.set(ppid, list);
    } catch {
      // the process ended while we read
    }
  }
  let total = 0;
  const stack = [process.pid];
  while (stack.length) {
    const p = stack.pop()!;
    total += cpu.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}
