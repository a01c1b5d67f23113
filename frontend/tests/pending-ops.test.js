// Unacknowledged edits of a real ShareDB client Doc, stored and handed to a
// fresh Doc on another connection: sent again with their src and seq, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ShareDB from 'sharedb/lib/client/index.js';
import { type } from 'ot-text-unicode';
import { countOps, pendingOf, restorePending } from '../src/pending-ops.js';

ShareDB.types.register(type);
ShareDB.logger.setMethods({ warn: () => {} });

// A socket the test plays the server on.
class FakeSocket {
  constructor() { this.readyState = 0; this.sent = []; }
  send(text) { this.sent.push(JSON.parse(text)); }
  close() {}
  open(id) {
    this.readyState = 1;
    this.onopen();
    this.receive({ a: 'hs', protocol: 1, protocolMinor: 2, id, type: ShareDB.types.defaultType.uri });
  }
  receive(message) { this.onmessage({ data: JSON.stringify(message) }); }
  drop() {
    this.readyState = 3;
    this.onclose({ code: 1006 });
  }
  ops() { return this.sent.filter((message) => message.a === 'op'); }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const snapshot = { v: 3, type: type.uri, data: 'hello' };

function page(id) {
  const socket = new FakeSocket();
  const connection = new ShareDB.Connection(socket);
  const doc = connection.get('documents', 'key');
  return { socket, connection, doc, id };
}

test('nothing waiting, nothing to keep', () => {
  const { doc } = page();
  doc.ingestSnapshot(snapshot);
  assert.equal(pendingOf(doc), null);
});

test('a sent op is kept with its src and seq from the moment it is sent', async () => {
  const { socket, connection, doc } = page();
  doc.ingestSnapshot(snapshot);
  socket.open('A');
  const seen = [];
  connection.on('send', (message) => { if (message.a === 'op') seen.push(pendingOf(doc)); });
  doc.submitOp([5, ' world']);
  await tick();
  assert.deepEqual(seen, [{ version: 3, ops: [{ op: [5, ' world'], src: 'A', seq: 1 }] }]);
});

test('kept edits, restored elsewhere, are resent as they were and then as new ones', async () => {
  const first = page();
  first.doc.ingestSnapshot(snapshot);
  first.socket.open('A');
  first.doc.submitOp([5, ' world']);
  await tick();
  first.socket.drop(); // the ack never came: maybe committed, maybe not
  first.doc.submitOp([11, '!']);
  first.doc.submitOp([12, '?']);
  const kept = JSON.parse(JSON.stringify(pendingOf(first.doc)));
  assert.deepEqual(kept, { version: 3, ops: [{ op: [5, ' world'], src: 'A', seq: 1 }, { op: [11, '!?'] }] });

  const second = page();
  restorePending(second.doc, snapshot, kept);
  assert.equal(second.doc.data, 'hello world!?');
  assert.equal(countOps(second.doc), 2);
  second.socket.open('B');
  await tick();
  assert.deepEqual(second.socket.ops().map(({ v, src, seq, op }) => ({ v, src, seq, op })), [{ v: 3, src: 'A', seq: 1, op: [5, ' world'] }]);
  // The server acknowledges it, as committed before at version 4, after the op it missed.
  second.socket.receive({ a: 'op', c: 'documents', d: 'key', v: 3, src: 'masked', seq: 9, op: ['> '] });
  second.socket.receive({ a: 'op', c: 'documents', d: 'key', v: 4, src: 'A', seq: 1 });
  await tick();
  assert.equal(second.doc.version, 5);
  assert.equal(second.doc.data, '> hello world!?');
  const [, next] = second.socket.ops();
  assert.deepEqual({ v: next.v, src: next.src, seq: next.seq, op: next.op }, { v: 5, src: undefined, seq: 1, op: [13, '!?'] });
});

test('nothing is composed into a restored op that was sent before', () => {
  const { doc } = page();
  restorePending(doc, snapshot, { version: 3, ops: [{ op: [5, '!'], src: 'A', seq: 7 }] });
  doc.submitOp([6, '?']);
  assert.equal(countOps(doc), 2);
  assert.deepEqual(doc.pendingOps.map(({ op, src, seq }) => ({ op, src, seq })), [{ op: [5, '!'], src: 'A', seq: 7 }, { op: [6, '?'], src: undefined, seq: undefined }]);
});

test('the picture stays consistent as remote ops move the version on', async () => {
  const { socket, doc } = page();
  doc.ingestSnapshot(snapshot);
  socket.open('A');
  doc.submitOp([5, '!']);
  await tick();
  socket.receive({ a: 'op', c: 'documents', d: 'key', v: 3, src: 'other', seq: 1, op: ['> '] });
  const kept = pendingOf(doc);
  assert.deepEqual(kept, { version: 4, ops: [{ op: [7, '!'], src: 'A', seq: 1 }] });
  assert.equal(type.apply('> hello', kept.ops[0].op), doc.data);
});
