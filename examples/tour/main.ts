/**
 * The Quick start tour (`pnpm start`): runs every example of the gallery (see steps.ts),
 * one after another, each as its own program on its own embedded local cluster (all
 * cores), streaming its output under a header with the step and the time so far; ends
 * with a table of the steps and their times.
 *
 *   pnpm start                         # the whole tour (a few minutes on 2 cores)
 *   pnpm start --only serving,rl       # some steps
 *   pnpm start --skip end-to-end       # all but some
 *   pnpm start --list                  # the steps and what each shows
 * @module
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { STEPS, type TourStep } from './steps.js';

const { values } = parseArgs({
  options: { only: { type: 'string' }, skip: { type: 'string' }, list: { type: 'boolean', default: false } },
});

function pick(): TourStep[] {
  const names = (s?: string) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
  const only = names(values.only);
  const skip = names(values.skip);
  for (const n of [...only, ...skip]) {
    if (!STEPS.some((s) => s.name === n)) throw new RangeError(`unknown step '${n}'; the steps are ${STEPS.map((s) => s.name).join(', ')}`);
  }
  return STEPS.filter((s) => (only.length === 0 || only.includes(s.name)) && !skip.includes(s.name));
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Runs one example as a child process, its output indented under the step's header. */
function runStep(step: TourStep): Promise<number> {
  const main = fileURLToPath(new URL(`../${step.name}/main.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', main, ...step.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  const relay = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        out.write(`  │ ${line}\n`);
      }
    });
    stream.on('end', () => buf && out.write(`  │ ${buf}\n`));
  };
  relay(child.stdout!, process.stdout);
  relay(child.stderr!, process.stderr);
  const stop = () => child.kill('SIGINT');
  process.once('SIGINT', stop);
  return new Promise((resolve) => child.on('close', (code, signal) => {
    process.off('SIGINT', stop);
    resolve(code ?? (signal ? 130 : 1));
  }));
}

const steps = pick();
if (values.list) {
  for (const s of steps) console.log(`${s.name.padEnd(22)} ${s.title}`);
} else {
  const t0 = performance.now();
  const done: Array<{ step: TourStep; ms: number; ok: boolean }> = [];
  for (const [i, step] of steps.entries()) {
    console.log(`\n━━ [${i + 1}/${steps.length}] ${step.name}: ${step.title} (tour at ${seconds(performance.now() - t0)})`);
    console.log(`   examples/${step.name}/main.ts ${step.args.join(' ')}`);
    const s0 = performance.now();
    const code = await runStep(step);
    const ms = performance.now() - s0;
    done.push({ step, ms, ok: code === 0 });
    console.log(code === 0 ? `   ✓ ${step.name} in ${seconds(ms)}` : `   ✗ ${step.name} failed (exit code ${code}) after ${seconds(ms)}`);
  }
  console.log(`\ntour: ${done.filter((d) => d.ok).length} of ${done.length} examples ran in ${seconds(performance.now() - t0)}`);
  for (const d of done) console.log(`  ${d.ok ? '✓' : '✗'} ${d.step.name.padEnd(22)} ${seconds(d.ms).padStart(8)}`);
  console.log('\nEach example has a README with its full-size run: examples/<name>/README.md');
  process.exitCode = done.every((d) => d.ok) ? 0 : 1;
}
