// Why the editor is not connected, from close codes, server errors and a probe of the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterClose, afterProbe, describeError, LOST_CODES } from '../src/connection-state.js';

test('a close after too many messages says rate-limited, with the server’s words', () => {
  assert.deepEqual(afterClose(1008, { code: 'ERR_RATE_LIMITED', message: 'too many messages: slow down' }),
    { state: 'rate-limited', reason: 'too many messages: slow down' });
  // An earlier, unrelated error is not the reason.
  assert.deepEqual(afterClose(1008, { code: 'ERR_OP_SUBMIT_REJECTED', message: 'you may view this document but not edit it' }),
    { state: 'rate-limited', reason: 'the server closed the connection for sending too much' });
});

test('a close after too many connections is a refusal', () => {
  const error = { code: 'ERR_LIMIT_EXCEEDED', message: 'more than 20 connections at once: close some tabs' };
  assert.deepEqual(afterClose(1008, error), { state: 'refused', reason: error.message });
});

test('a close for size says too large; for unreadable text, refused', () => {
  assert.equal(afterClose(1009, null).state, 'too-large');
  assert.equal(afterClose(1007, null).state, 'refused');
});

test('an ordinary close is nothing special', () => {
  for (const code of [1000, 1001, 1006, 1011]) assert.equal(afterClose(code, null), null);
});

test('a failed attempt is explained by asking for the page', () => {
  assert.equal(afterProbe({ unreachable: true }), null);
  assert.equal(afterProbe({ status: 502 }), null);
  assert.deepEqual(afterProbe({ status: 0, redirected: true }), { state: 'refused', reason: 'you are signed out: sign in again' });
  assert.equal(afterProbe({ status: 404 }).reason, 'this document is no longer available to you');
  assert.equal(afterProbe({ status: 200 }).state, 'refused');
});

test('errors read as sentences; unknown ones keep the server’s message', () => {
  assert.match(describeError({ code: 'ERR_OP_SUBMIT_REJECTED', message: 'x' }), /may not edit/);
  assert.match(describeError({ code: 'ERR_DOC_TOO_LARGE' }), /larger than the server allows/);
  assert.equal(describeError({ code: 'ERR_SOMETHING', message: 'what happened' }), 'what happened');
  assert.ok(LOST_CODES.has('ERR_DOC_WAS_DELETED') && LOST_CODES.has('ERR_SNAPSHOT_READS_REJECTED'));
  assert.ok(!LOST_CODES.has('ERR_OP_SUBMIT_REJECTED'));
});
