// The editor refuses, before sending, what the server would refuse for its size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Annotation, EditorState } from '@codemirror/state';
import { jsonTextBytes, MESSAGE_MARGIN, opBytes, sizeGuard, utf8Length } from '../src/size-limits.js';

test('a text is measured as the server measures it: UTF-8 bytes of its JSON string', () => {
  // Python: len(json.dumps(text, ensure_ascii=False).encode("utf-8"))
  const expected = [['', 2], ['a', 3], ['a"b\\c', 9], ['line\nnext\ttab', 17], ['\x01\x1f\x7f', 15], ['é中😀', 11], ['👍🏽', 10]];
  for (const [text, bytes] of expected) assert.equal(jsonTextBytes(text) + 2, bytes, JSON.stringify(text));
  assert.equal(utf8Length('é中😀'), 2 + 3 + 4);
  assert.equal(opBytes([3, 'é', { d: 2 }]), '[3,"é",{"d":2}]'.length + 1);
});

const remote = Annotation.define();

function editor(doc, limits) {
  const refused = [];
  const state = EditorState.create({
    doc,
    extensions: sizeGuard(limits, { isRemote: (transaction) => transaction.annotation(remote) === true, onRefuse: (reason) => refused.push(reason) }),
  });
  return { state, refused };
}

test('a change making the document too large is refused, with the reason', () => {
  const { state, refused } = editor('0123456789', { maxMessageBytes: 1 << 20, maxDocumentBytes: 17 });
  const fits = state.update({ changes: { from: 10, insert: '"\n' } }); // 10 + 2 escapes of 2 bytes + 2 quotes = 16
  assert.equal(fits.state.doc.toString(), '0123456789"\n');
  const over = fits.state.update({ changes: { from: 0, insert: 'é' } }); // 2 bytes more: 18
  assert.equal(over.state.doc.toString(), '0123456789"\n');
  assert.equal(refused.length, 1);
  assert.match(refused[0], /over the limit/);
});

test('over the limit, a change that makes the document smaller is still allowed', () => {
  const { state, refused } = editor('x'.repeat(30), { maxMessageBytes: 1 << 20, maxDocumentBytes: 20 });
  const smaller = state.update({ changes: { from: 0, to: 5, insert: 'y' } });
  assert.equal(smaller.state.doc.length, 26);
  assert.deepEqual(refused, []);
});

test('changes from the server are never refused', () => {
  const { state, refused } = editor('', { maxMessageBytes: 1 << 20, maxDocumentBytes: 10 });
  const theirs = state.update({ changes: { from: 0, insert: 'far too long for the limit' }, annotations: remote.of(true) });
  assert.equal(theirs.state.doc.toString(), 'far too long for the limit');
  assert.deepEqual(refused, []);
});

test('a change whose op is too large for one message is refused', () => {
  const maxMessageBytes = MESSAGE_MARGIN + 1000;
  const { state, refused } = editor('abc', { maxMessageBytes, maxDocumentBytes: 1 << 20 });
  const small = state.update({ changes: { from: 3, insert: 'x'.repeat(900) } });
  assert.equal(small.state.doc.length, 903);
  // 300 control characters are 1,800 bytes as JSON, though 300 characters long
  const large = small.state.update({ changes: { from: 0, insert: '\x01'.repeat(300) } });
  assert.equal(large.state.doc.length, 903);
  assert.equal(refused.length, 1);
  assert.match(refused[0], /too large to send/);
});

test('the document size follows every change, local or remote', () => {
  const { state } = editor('ab', { maxMessageBytes: 1 << 20, maxDocumentBytes: 12 });
  let next = state.update({ changes: { from: 1, insert: '😀😀' }, annotations: remote.of(true) }).state; // 2 + 8 + 2 = 12
  assert.equal(next.doc.toString(), 'a😀😀b');
  const refusedInsert = next.update({ changes: { from: 0, insert: 'z' } }).state;
  assert.equal(refusedInsert.doc.toString(), 'a😀😀b');
  next = next.update({ changes: { from: 1, to: 3 } }).state; // one emoji fewer: 8 bytes
  next = next.update({ changes: { from: 0, insert: 'zzzz' } }).state; // 12 bytes
  assert.equal(next.doc.toString(), 'zzzza😀b');
});
