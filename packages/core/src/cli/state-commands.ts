/**
 * `ray-ts list|summary|memory|get`: the state API on the command line (Ray's
 * `ray list tasks`, `ray summary tasks`, `ray memory`, `ray get task`), plus
 * `ray-ts logs` and `ray-ts timeline`.
 */
import type { Command } from 'commander';
import * as state from '../state/state-api.js';
import { parseFilter } from '../state/filters.js';
import type { StateKind } from '../state/state-types.js';
import { checkFormat, render } from './state-format.js';
import { resolveTarget, targetOptions, type TargetOptions } from './state-target.js';
import { registerLogsCommand } from './logs.js';
import { registerTimelineCommand } from './timeline.js';

const KINDS: Record<string, StateKind> = {
  tasks: 'tasks', actors: 'actors', objects: 'objects', nodes: 'nodes', jobs: 'jobs', 'placement-groups': 'placementGroups', workers: 'workers',
};

type ListOpts = TargetOptions & { filter: string[]; limit: number; format: string; detail?: boolean };

/** Registers the state commands. */
export function registerStateCommands(program: Command): void {
  targetOptions(
    program
      .command('list <kind>')
      .description(`list ${Object.keys(KINDS).join('|')} of a running cluster`)
      .option('--filter <key=value>', 'keep rows where key=value (or key!=value); repeatable', (v: string, prev: string[]) => [...prev, v], [])
      .option('--limit <n>', 'at most this many rows', (v) => Number(v), 100)
      .option('--detail', 'all fields')
      .option('--format <format>', 'table, json or yaml', 'table'),
  ).action(async (kindArg: string, o: ListOpts) => {
    const kind = KINDS[kindArg];
    if (!kind) throw new Error(`cannot list '${kindArg}': use one of ${Object.keys(KINDS).join(', ')}`);
    const format = checkFormat(o.format);
    const r = await state.listWithTotal(kind, `list ${kindArg}`, { ...resolveTarget(o), filters: o.filter.map(parseFilter), limit: o.limit, detail: !!o.detail || format !== 'table' });
    console.log(render(format === 'table' ? r.rows : r, format));
    if (format === 'table') {
      if (r.total > r.rows.length) console.error(`(${r.rows.length} of ${r.total} shown; raise --limit)`);
      if (r.partialFailures.length) console.error(`(no answer from node(s) ${r.partialFailures.join(', ')}: their rows are missing)`);
    }
  });

  targetOptions(
    program.command('summary <kind>').description('tasks by name and state, or actors by class and state').option('--format <format>', 'table, json or yaml', 'table'),
  ).action(async (kind: string, o: TargetOptions & { format: string }) => {
    const format = checkFormat(o.format);
    const t = resolveTarget(o);
    if (kind === 'tasks') {
      const s = await state.summarizeTasks(t);
      if (format !== 'table') return console.log(render(s, format));
      console.log(`Tasks: ${s.totalTasks}, actor calls: ${s.totalActorTasks}`);
      console.log(render(Object.values(s.summary).map((x) => ({ name: x.name, type: x.type, ...x.stateCounts })), 'table'));
    } else if (kind === 'actors') {
      const s = await state.summarizeActors(t);
      if (format !== 'table') return console.log(render(s, format));
      console.log(`Actors: ${s.totalActors}`);
      console.log(render(Object.values(s.summary).map((x) => ({ className: x.className, ...x.stateCounts })), 'table'));
    } else throw new Error(`cannot summarize '${kind}': use tasks or actors`);
  });

  targetOptions(
    program.command('memory').description('object store use by node and by what made the objects (like `ray memory`)').option('--format <format>', 'table, json or yaml', 'table'),
  ).action(async (o: TargetOptions & { format: string }) => {
    const format = checkFormat(o.format);
    const s = await state.memorySummary(resolveTarget(o));
    if (format !== 'table') return console.log(render(s, format));
    console.log(`Objects: ${s.numObjects}, ${s.totalBytes} bytes`);
    for (const [nodeId, n] of Object.entries(s.nodes)) {
      console.log(`\n--- node ${nodeId}: ${n.numObjects} objects, ${n.totalBytes} bytes ---`);
      console.log(render(n.byCallSite.map((c) => ({ callSite: c.callSite, count: c.count, bytes: c.bytes, locations: c.locations })), 'table'));
    }
  });

  targetOptions(
    program.command('get <kind> <id>').description('one task with every field (ray-ts get task <taskId>)').option('--format <format>', 'json or yaml', 'yaml'),
  ).action(async (kind: string, id: string, o: TargetOptions & { format: string }) => {
    if (kind !== 'task' && kind !== 'tasks') throw new Error(`cannot get '${kind}': use task`);
    const format = checkFormat(o.format);
    const row = await state.getTask(id, resolveTarget(o));
    if (!row) throw new Error(`no node knows task ${id} (finished tasks are kept up to RAY_TS_TASK_EVENTS_MAX_FINISHED per node)`);
    console.log(render(row, format === 'table' ? 'yaml' : format));
  });

  registerLogsCommand(program);
  registerTimelineCommand(program);
}
