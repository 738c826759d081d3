import * as ray from '@ray-ts/core';
export const probe = ray.remote(async (h: { big: ray.ObjectRef<Float64Array>; small: ray.ObjectRef<number> }) => {
  const out: number[][] = [];
  for (let i = 0; i < 8; i++) {
    let t = process.hrtime.bigint();
    await ray.get(h.small);
    const s = Number(process.hrtime.bigint() - t) / 1e6;
    t = process.hrtime.bigint();
    const a = await ray.get(h.big);
    const b = Number(process.hrtime.bigint() - t) / 1e6;
    out.push([+s.toFixed(3), +b.toFixed(3), a.length]);
  }
  return out;
});
if (ray.isMain(import.meta)) {
  await ray.init();
  const arr = new Float64Array(128 * 1024 * 1024);
  const big = ray.put(arr);
  const small = ray.put(1);
  for (let k = 0; k < 3; k++) console.log(await ray.get(probe.remote({ big, small })));
  ray.shutdown();
}
