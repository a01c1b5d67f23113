// Edits outlive the page. Each tab keeps its unacknowledged edits in
// localStorage, under a Web Lock of the same name that it holds while it is
// open. A page opening later takes the lock of each entry of its user and
// document whose tab is gone, and sends those edits through a connection of
// their own: a fresh Doc at the stored version, the stored ops queued with the
// src and seq they were sent with, so the server applies each once. The edits
// then reach this page like anyone else's. Entries are updated as they are
// sent, so a page closed half-way leaves an entry that is still right.
import { countOps, pendingOf, restorePending } from './pending-ops.js';
import { entryName, pendingStore, staleEntries } from './pending-store.js';

const MAX_AGE = 30 * 24 * 60 * 60 * 1000;

const randomId = () => Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(36)).join('');

// Calls save(pending) whenever the Doc's unacknowledged edits change, and when
// one of them is sent: a sent op's seq must be kept before the server can have it.
function track(doc, connection, save) {
  const update = () => save(pendingOf(doc));
  doc.on('op', update);
  doc.on('no write pending', update);
  doc.on('load', update);
  connection.on('send', (message) => {
    if (message.a === 'op' && message.c === doc.collection && message.d === doc.id) update();
  });
}

// Options: owner and key (whose edits, which document), doc and connection (this
// page's), connect() (a new socket), Connection (ShareDB's), onChange() (the
// count of edits waiting changed), onProblem(text).
// Returns {waiting(): the count of edits being resent, discard()}.
export function keepPending({ owner, key, doc, connection, connect, Connection, onChange, onProblem }) {
  const { locks } = navigator;
  let storage = null;
  try {
    storage = window.localStorage;
  } catch {
    // storage blocked by the browser's settings: nothing can be kept
  }
  const resending = new Set(); // Docs sending the edits of tabs that are gone
  const api = { waiting: () => [...resending].reduce((sum, resent) => sum + countOps(resent), 0), discard() {} };
  // Web Locks exist in secure contexts only (https, or localhost).
  if (!locks || !storage) return api;
  const store = pendingStore(storage, owner, key);
  const tab = randomId();
  let keeping = true;
  let savedNothing = true;

  const saver = (entryTab) => (pending) => {
    if (entryTab === tab && (!keeping || (!pending && savedNothing))) return;
    try {
      store.save(entryTab, pending);
      if (entryTab === tab) savedNothing = !pending;
    } catch {
      onProblem('The edits waiting could not be kept in this browser: its storage is full.');
    }
    onChange();
  };

  function resend(entryTab, pending) {
    return new Promise((done) => {
      const helper = new Connection(connect());
      const refusals = [];
      // Sent, refused or unusable: either way the entry is done with.
      const finish = () => {
        store.save(entryTab, null);
        helper.close();
        resending.delete(resent);
        if (refusals.length) onProblem(`Edits from an earlier visit could not all be sent: ${refusals[0].message || refusals[0].code}.`);
        onChange();
        done();
      };
      const resent = helper.get(doc.collection, doc.id);
      helper.on('error', (error) => refusals.push(error));
      resent.on('error', (error) => refusals.push(error));
      helper.on('receive', ({ data }) => {
        if (data && data.a === 'op' && data.d === doc.id && data.error) refusals.push(data.error);
      });
      helper.fetchSnapshot(doc.collection, doc.id, pending.version, (error, snapshot) => {
        if (error || !snapshot.type) {
          refusals.push(error || { message: 'the document no longer exists' });
          return finish();
        }
        resending.add(resent);
        track(resent, helper, saver(entryTab));
        restorePending(resent, snapshot, pending);
        // None queued: the entry held nothing the document could take.
        if (!countOps(resent)) return finish();
        resent.once('no write pending', finish);
        onChange();
      });
    });
  }

  // Each entry under its lock, if free: its tab is gone, and no other page is sending it.
  const claim = (name, work) => locks.request(name, { ifAvailable: true }, (lock) => lock && work());

  async function sendOrphans() {
    for (const other of store.tabs()) {
      await claim(entryName(owner, key, other), async () => {
        const pending = store.load(other);
        if (pending) await resend(other, pending);
        else store.save(other, null);
      });
    }
    for (const name of staleEntries(storage, Date.now(), MAX_AGE)) {
      await claim(name, () => storage.removeItem(name));
    }
  }

  locks.request(entryName(owner, key, tab), () => {
    track(doc, connection, saver(tab));
    sendOrphans();
    return new Promise(() => {}); // held until the page goes away
  });

  // The document is gone: its edits can never be sent.
  api.discard = () => {
    saver(tab)(null);
    keeping = false;
  };
  return api;
}
