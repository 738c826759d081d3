/**
 * The reference: fastify serving the same work in one process (the no-op answer, or the
 * ONNX model called directly). Started as a child process by the benchmark; prints its port.
 *   node --import tsx plain-server.ts noop|onnx
 */
import Fastify from 'fastify';
import { createPredictor } from './model.js';

const mode = process.argv[2] ?? 'noop';
const predict = mode === 'onnx' ? await createPredictor() : undefined;

const app = Fastify({ logger: false, keepAliveTimeout: 5000 });
app.get('/', async () => ({ ok: true }));
app.post('/', async (req) => (predict ? { y: await predict((req.body as { x: number[][] }).x) } : { ok: true }));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
console.log(`port ${typeof address === 'object' && address ? address.port : 0}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
