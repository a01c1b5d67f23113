// Edits waiting for the server, kept in localStorage so that they outlive the
// page. One entry per tab, since each tab of a document has edits of its own;
// entries are named by whose edits they are and on which document, so that a
// page only ever sends its own user's edits to its own document.

const PREFIX = 'collab.pending.v1:';

export const entryName = (owner, key, tab) => PREFIX + JSON.stringify([owner, key, tab]);

function parseName(name) {
  if (!name || !name.startsWith(PREFIX)) return null;
  try {
    const [owner, key, tab] = JSON.parse(name.slice(PREFIX.length));
    return { owner, key, tab };
  } catch {
    return null;
  }
}

function names(storage) {
  const found = [];
  for (let i = 0; i < storage.length; i++) {
    const name = storage.key(i);
    if (name && name.startsWith(PREFIX)) found.push(name);
  }
  return found;
}

function read(storage, name) {
  try {
    return JSON.parse(storage.getItem(name));
  } catch {
    return null;
  }
}

export function pendingStore(storage, owner, key) {
  return {
    // Throws when the storage is full.
    save(tab, pending) {
      if (pending) storage.setItem(entryName(owner, key, tab), JSON.stringify({ ...pending, savedAt: Date.now() }));
      else storage.removeItem(entryName(owner, key, tab));
    },
    load(tab) {
      const entry = read(storage, entryName(owner, key, tab));
      return entry && typeof entry.version === 'number' && Array.isArray(entry.ops) ? entry : null;
    },
    // Tabs with edits kept for this user and document.
    tabs() {
      return names(storage).map(parseName).filter((entry) => entry && entry.owner === owner && entry.key === key).map((entry) => entry.tab);
    },
  };
}

// Entries of any user and document not written for `maxAge` ms: left by a
// document never opened again (deleted, say) or by someone else on this browser.
export function staleEntries(storage, now, maxAge) {
  return names(storage).filter((name) => {
    const entry = read(storage, name);
    return !entry || !(now - entry.savedAt <= maxAge);
  });
}
