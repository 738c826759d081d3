// The writer of the raw-TCP baseline: a plain Node process (no ray-ts, no TS loader) that
// fills a buffer of `argv[2]` bytes (every page written, like the value the object
// benchmark moves), listens on a free loopback port, prints `ready <port>`, and writes the
// whole buffer to each connection, then ends it. It exits when its stdin closes.
import { createServer } from 'node:net';

const size = Number(process.argv[2]);
const buf = Buffer.allocUnsafeSlow(size);
for (let i = 0; i < size; i += 4096) buf[i] = (i >>> 12) & 0xff;
buf[size - 1] = 1;

const server = createServer((socket) => {
  socket.on('error', () => socket.destroy());
  socket.end(buf);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`ready ${server.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
