/**
 * The load generator as its own process, so it does not share an event loop with the
 * embedded node manager (which lives in the benchmark's driver process) or the server.
 *   node --import tsx load-main.ts <json LoadOptions>   → prints the LoadResult as JSON
 */
import { load, type LoadOptions } from './load.js';

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
console.log(JSON.stringify(await load(options)));
