// Edits waiting, kept per user, document and tab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryName, pendingStore, staleEntries } from '../src/pending-store.js';

class MemoryStorage {
  constructor() { this.items = new Map(); }
  get length() { return this.items.size; }
  key(index) { return [...this.items.keys()][index] ?? null; }
  getItem(name) { return this.items.has(name) ? this.items.get(name) : null; }
  setItem(name, value) { this.items.set(name, String(value)); }
  removeItem(name) { this.items.delete(name); }
}

const pending = { version: 3, ops: [{ op: [1, 'x'], src: 'abc', seq: 4 }, { op: ['y'] }] };

test('an entry is saved, listed, loaded and removed per user, document and tab', () => {
  const storage = new MemoryStorage();
  const alice = pendingStore(storage, 'alice', 'doc:1');
  alice.save('tab1', pending);
  alice.save('tab2', { version: 1, ops: [{ op: ['z'] }] });
  assert.deepEqual(alice.tabs().sort(), ['tab1', 'tab2']);
  assert.deepEqual({ ...alice.load('tab1'), savedAt: undefined }, { ...pending, savedAt: undefined });
  alice.save('tab1', null);
  assert.deepEqual(alice.tabs(), ['tab2']);
  assert.equal(alice.load('tab1'), null);
});

test('another user, or another document, never sees the entry', () => {
  const storage = new MemoryStorage();
  pendingStore(storage, 'alice', 'doc').save('tab', pending);
  assert.deepEqual(pendingStore(storage, 'bob', 'doc').tabs(), []);
  assert.deepEqual(pendingStore(storage, 'alice', 'other').tabs(), []);
  // Names with separators in them cannot be confused with others.
  pendingStore(storage, 'a:b', 'c').save('t', pending);
  assert.deepEqual(pendingStore(storage, 'a', 'b:c').tabs(), []);
  assert.notEqual(entryName('a:b', 'c', 't'), entryName('a', 'b:c', 't'));
});

test('entries not written for a long time, or unreadable, are stale', () => {
  const storage = new MemoryStorage();
  const store = pendingStore(storage, 'alice', 'doc');
  store.save('old', pending);
  store.save('new', pending);
  const old = JSON.parse(storage.getItem(entryName('alice', 'doc', 'old')));
  storage.setItem(entryName('alice', 'doc', 'old'), JSON.stringify({ ...old, savedAt: Date.now() - 1000 }));
  storage.setItem(entryName('bob', 'doc', 'broken'), '{not json');
  storage.setItem('something else', '1');
  assert.deepEqual(staleEntries(storage, Date.now(), 500).sort(), [entryName('alice', 'doc', 'old'), entryName('bob', 'doc', 'broken')].sort());
  assert.equal(pendingStore(storage, 'bob', 'doc').load('broken'), null);
});
