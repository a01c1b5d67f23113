// UTF-16 offsets (CodeMirror) and code points (text-unicode) at the editor's edge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeSet, Text } from '@codemirror/state';
import { type } from 'ot-text-unicode';
import {
  advanceCodePoints, changesToOp, codePointLength, codePointToUtf16, opToChanges, utf16ToCodePoint,
} from '../src/positions.js';

const sample = 'a😀b🌍👍🏽中';

test('code points and UTF-16 offsets map both ways', () => {
  assert.equal(codePointLength(sample), [...sample].length);
  [...sample].forEach((_, index) => {
    const offset = codePointToUtf16(sample, index);
    assert.equal(utf16ToCodePoint(sample, offset), index);
    assert.equal(sample.slice(offset).codePointAt(0), [...sample][index].codePointAt(0));
  });
  assert.equal(codePointToUtf16(sample, 99), sample.length);
  assert.equal(advanceCodePoints(sample, 1, 1), 3);
});

test('a CodeMirror change becomes the op of the same edit', () => {
  const doc = Text.of([sample]);
  const changes = ChangeSet.of([{ from: 1, to: 3, insert: 'X' }, { from: 6, insert: '𝒳' }], doc.length);
  const op = changesToOp(changes, sample);
  assert.deepEqual(op, [1, { d: 1 }, 'X', 2, '𝒳']);
  assert.equal(type.apply(sample, op), changes.apply(doc).toString());
});

test('an op becomes CodeMirror changes of the same edit', () => {
  const op = [2, { d: 1 }, 'Z😀', 2, { d: '中' }];
  const doc = Text.of([sample]);
  const changes = ChangeSet.of(opToChanges(op, sample), doc.length);
  assert.equal(changes.apply(doc).toString(), type.apply(sample, op));
});

test('random edits round-trip through both conversions', () => {
  const alphabet = ['a', 'é', '中', '😀', '👍🏽', '\n'];
  let seed = 7;
  const random = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let round = 0; round < 500; round++) {
    const text = Array.from({ length: random(12) }, () => alphabet[random(alphabet.length)]).join('');
    const doc = Text.of(text.split('\n'));
    const points = [...text];
    const start = random(points.length + 1);
    const end = start + random(points.length - start + 1);
    const from = codePointToUtf16(text, start);
    const to = codePointToUtf16(text, end);
    const insert = random(2) ? alphabet[random(alphabet.length)] : '';
    const changes = ChangeSet.of([{ from, to, insert }], doc.length);
    const op = changesToOp(changes, text);
    assert.equal(type.apply(text, op), changes.apply(doc).toString(), `round ${round}`);
    const back = ChangeSet.of(opToChanges(op, text), doc.length);
    assert.equal(back.apply(doc).toString(), changes.apply(doc).toString(), `round ${round}`);
  }
});
