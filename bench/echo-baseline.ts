/**
 * Hand-written baseline for the echo load run: a bare `node:net` server, no library, that answers each framed
 * 0800 with its own bytes and MTI 0810 (so DE7, DE11, DE41 and DE70 come back and the client can match it).
 *
 * Why: it is the floor for "how fast can a Node process on this machine answer over loopback"; the authorizer's
 * echo latency is reported as a ratio to it, measured in the same run by the same generator.
 *
 * Wire facts: a 2-byte big-endian length header (not counting itself) in front of an ASCII 1987 message, whose
 * MTI is its first four bytes; the third MTI digit (message function) becomes 1 for a response.
 */
import { createServer } from 'node:net';

const server = createServer((socket) => {
  socket.setNoDelay(true);
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const length = pending.readUInt16BE(0);
      if (pending.length < 2 + length) break;
      const answer = Buffer.from(pending.subarray(0, 2 + length));
      answer[2 + 2] = 0x31; // MTI digit 3: 0 (request) → 1 (response)
      socket.write(answer);
      pending = pending.subarray(2 + length);
    }
  });
  socket.on('error', () => socket.destroy());
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address === 'object') console.log(`listening on 127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
