/**
 * `ray-ts timeline`: the tasks that ran, as Chrome trace JSON (chrome://tracing, ui.perfetto.dev).
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { timeline } from '../state/state-api.js';
import { resolveTarget, targetOptions, type TargetOptions } from './state-target.js';

/** Registers `ray-ts timeline`. */
export function registerTimelineCommand(program: Command): void {
  targetOptions(
    program.command('timeline').description('write the task timeline as Chrome trace JSON').option('--output <file>', 'file to write (default: stdout)'),
  ).action(async (o: TargetOptions & { output?: string }) => {
    const trace = await timeline(resolveTarget(o));
    const text = JSON.stringify(trace);
    if (!o.output) return console.log(text);
    writeFileSync(o.output, text);
    console.log(`wrote ${trace.traceEvents.length} events to ${o.output}; open it in chrome://tracing or https://ui.perfetto.dev`);
  });
}
