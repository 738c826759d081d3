import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerLogs, type LogLine } from './worker-logs.js';

test('marker lines set the job and prefix of what follows on their pipe, and are not shown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rts-wl-'));
  const printed: string[] = [];
  const logs = new WorkerLogs(dir, 'n1', (text) => printed.push(text));
  const got: LogLine[] = [];
  logs.subscribe((l) => got.push(l));
  const out = new PassThrough();
  const err = new PassThrough();
  logs.attach('w1', 42, out, err);
  out.write('booting\n:job_id:j1\n:task_name:f\nfrom f\n:job_id:\n:task_name:g\nfrom g\n');
  err.write(':job_id:j2\n:task_name:h\noops\n');
  out.end();
  err.end();
  await new Promise((r) => setTimeout(r, 50));
  const pick = (l: LogLine) => [l.prefix, l.line, l.stream, l.jobId];
  assert.deepEqual(got.map(pick), [
    ['(pid=42)', 'booting', 'stdout', undefined],
    ['(f pid=42)', 'from f', 'stdout', 'j1'],
    ['(g pid=42)', 'from g', 'stdout', undefined],
    ['(h pid=42)', 'oops', 'stderr', 'j2'],
  ]);
  assert.ok(!printed.some((t) => t.includes(':job_id:') || t.includes(':task_name:')));
  logs.close();
  rmSync(dir, { recursive: true, force: true });
});
