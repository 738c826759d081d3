/**
 * The reference: a plain node:http server doing the same work in one process (fastify is
 * not installed). Started as a child process by the benchmark; prints its port.
 *   node --import tsx plain-server.ts noop|onnx
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPredictor } from './model.js';

const mode = process.argv[2] ?? 'noop';
const predict = mode === 'onnx' ? await createPredictor() : undefined;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      const value = predict ? { y: await predict((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { x: number[][] }).x) } : { ok: true };
      const body = Buffer.from(JSON.stringify(value));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    })();
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => console.log(`port ${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
