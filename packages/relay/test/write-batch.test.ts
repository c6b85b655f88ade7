import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { WriteBatch } from '../src/write-batch.js';

/** A socket stand-in that records each write as the system would see it: one entry per write(v) call. */
function recordingSocket() {
  const writes: string[][] = [];
  const socket = new Writable({
    write(chunk: Buffer, _enc, done) {
      writes.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map((c) => String(c.chunk)));
      done();
    },
  });
  return { socket, writes };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteBatch', () => {
  it('sends the frames of one turn to a socket in one write, after the turn', async () => {
    const batch = new WriteBatch();
    const a = recordingSocket();
    const b = recordingSocket();
    for (const frame of ['e1', 'e2', 'e3']) {
      batch.hold(a.socket);
      a.socket.write(frame);
    }
    batch.hold(b.socket);
    b.socket.write('e1');
    assert.deepEqual(a.writes, []);
    await turn();
    assert.deepEqual(a.writes, [['e1', 'e2', 'e3']]);
    assert.deepEqual(b.writes, [['e1']]);
  });

  it('starts a new batch in the next turn', async () => {
    const batch = new WriteBatch();
    const a = recordingSocket();
    batch.hold(a.socket);
    a.socket.write('e1');
    await turn();
    batch.hold(a.socket);
    a.socket.write('e2');
    batch.hold(a.socket);
    a.socket.write('e3');
    await turn();
    assert.deepEqual(a.writes, [['e1'], ['e2', 'e3']]);
  });
});
