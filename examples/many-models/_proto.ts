import { RandomForestRegression } from 'ml-random-forest';
function mulberry32(a: number) { return () => { a |= 0; a = (a + 0x6d2b79f5) | 0; let t = Math.imul(a ^ (a >>> 15), 1 | a); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; }
const n = Number(process.argv[2] ?? 1000); const rnd = mulberry32(1);
const X: number[][] = [], y: number[] = [];
for (let i = 0; i < n; i++) { const x = Array.from({ length: 10 }, rnd); X.push(x); const g = Math.sqrt(-2*Math.log(1-rnd()))*Math.cos(2*Math.PI*rnd());
 y.push(10*Math.sin(Math.PI*x[0]*x[1]) + 20*(x[2]-0.5)**2 + 10*x[3] + 5*x[4] + g); }
const nt = Math.floor(n*0.8);
for (const ne of [5, 20, Number(process.argv[3] ?? 50)]) {
  const t0 = performance.now();
  const rf = new RandomForestRegression({ nEstimators: ne, seed: 7, maxFeatures: Number(process.argv[4] ?? 1.0), noOOB: true, treeOptions: { maxDepth: 12 } } as any);
  rf.train(X.slice(0, nt), y.slice(0, nt));
  const p = rf.predict(X.slice(nt)); const yt = y.slice(nt);
  const mean = yt.reduce((a,b)=>a+b)/yt.length; let ssr=0, sst=0; for (let i=0;i<yt.length;i++){ssr+=(yt[i]-p[i])**2; sst+=(yt[i]-mean)**2;}
  console.log(ne, (1-ssr/sst).toFixed(6), (performance.now()-t0).toFixed(0), 'ms');
}
