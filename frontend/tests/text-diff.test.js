// The smallest change that brings the editor back in step with a reloaded document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smallestChange } from '../src/text-diff.js';

const apply = (text, { from, to, insert }) => text.slice(0, from) + insert + text.slice(to);

test('equal texts need no change', () => {
  assert.equal(smallestChange('same', 'same'), null);
});

test('only the differing middle is replaced', () => {
  assert.deepEqual(smallestChange('hello brave world', 'hello new world'), { from: 6, to: 11, insert: 'new' });
  assert.deepEqual(smallestChange('abc', 'abXc'), { from: 2, to: 2, insert: 'X' });
  assert.deepEqual(smallestChange('abXc', 'abc'), { from: 2, to: 3, insert: '' });
  assert.deepEqual(smallestChange('', 'new'), { from: 0, to: 0, insert: 'new' });
});

test('a surrogate pair is never cut in two', () => {
  // 😀 and 😃 share their high surrogate, U+1F600 and U+1F200 their low one.
  const change = smallestChange('a😀b', 'a😃b');
  assert.deepEqual(change, { from: 1, to: 3, insert: '😃' });
  const lowShared = smallestChange('x\ud83d\ude00', 'x\ud83c\ude00');
  assert.deepEqual(lowShared, { from: 1, to: 3, insert: '\ud83c\ude00' });
});

test('random pairs of texts round-trip', () => {
  const alphabet = ['a', 'b', 'é', '中', '😀', '😃', '🌍', '\n'];
  let seed = 11;
  const random = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const make = () => Array.from({ length: random(8) }, () => alphabet[random(alphabet.length)]).join('');
  for (let round = 0; round < 2000; round++) {
    const before = make();
    const after = random(2) ? make() : before.slice(0, random(before.length + 1)) + make() + before.slice(random(before.length + 1));
    const change = smallestChange(before, after);
    if (!change) {
      assert.equal(before, after);
      continue;
    }
    assert.equal(apply(before, change), after, `round ${round}`);
    for (const offset of [change.from, change.to]) {
      const code = before.charCodeAt(offset);
      assert.ok(!(code >= 0xdc00 && code <= 0xdfff), `round ${round}: cuts a pair at ${offset}`);
    }
  }
});
