import * as ray from '@ray-ts/core';
export const pid = ray.remote(() => process.pid);
if (ray.isMain(import.meta)) {
  await ray.init();
  const pids = await ray.get(Array.from({ length: 2000 }, () => pid.remote()));
  const c = new Map<number, number>();
  for (const p of pids) c.set(p, (c.get(p) ?? 0) + 1);
  console.log('driver', process.pid, c);
  for (let k = 0; k < 6; k++) {
    const seen = new Set<number>();
    let t = performance.now();
    for (let i = 0; i < 2000; i++) seen.add(await ray.get(pid.remote()));
    console.log('sync us', (performance.now() - t) / 2000 * 1000, [...seen]);
  }
  ray.shutdown();
}
