// The server refuses a WebSocket message larger than maxMessageBytes and a
// document whose text, written as a JSON string, is larger than
// maxDocumentBytes (both in UTF-8 bytes). A refused op is rolled back, and a
// message far over the limit closes the connection, so the editor refuses such
// a change itself, before it is applied, and says why.
import { EditorState, StateField } from '@codemirror/state';
import { changesToOp } from './positions.js';

// Room for the rest of the op message ({"a":"op","c":…,"d":…,"v":…,"src":…,"seq":…}).
export const MESSAGE_MARGIN = 4096;

// UTF-8 length of a string (JSON text has no lone surrogates: they are escaped).
export function utf8Length(text) {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// Bytes of `text` inside a JSON string, quotes excluded. Escaping is per
// character, so the size of a document is the sum of the sizes of its parts.
export const jsonTextBytes = (text) => utf8Length(JSON.stringify(text)) - 2;

export const opBytes = (op) => utf8Length(JSON.stringify(op));

// The document's size as the server measures it, kept up to date change by change.
const documentBytes = StateField.define({
  create: (state) => jsonTextBytes(state.doc.toString()) + 2,
  update: (bytes, transaction) => (transaction.docChanged ? bytes + bytesAdded(transaction) : bytes),
});

function bytesAdded(transaction) {
  const before = transaction.startState.doc;
  let added = 0;
  transaction.changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
    added += jsonTextBytes(inserted.toString()) - jsonTextBytes(before.sliceString(fromA, toA));
  });
  return added;
}

// Most changes are small: an upper bound on their op's size settles them without building the op.
function opBytesAtMost(transaction) {
  let bound = 2;
  transaction.changes.iterChanges((_fromA, _toA, _fromB, _toB, inserted) => {
    bound += inserted.length * 6 + 40; // \u0001 is 6 bytes; a skip or a delete, its comma and quotes, 40 at most
  });
  return bound;
}

// Why the user's change may not be sent, or null.
function refusal(transaction, { maxMessageBytes, maxDocumentBytes }) {
  const before = transaction.startState.field(documentBytes);
  const after = before + bytesAdded(transaction);
  if (after > maxDocumentBytes && after > before) {
    return `Not applied: the document would be ${formatBytes(after)}, over the limit of ${formatBytes(maxDocumentBytes)}.`;
  }
  const maxOpBytes = maxMessageBytes - MESSAGE_MARGIN;
  if (opBytesAtMost(transaction) <= maxOpBytes) return null;
  const size = opBytes(changesToOp(transaction.changes, transaction.startState.doc.toString()));
  if (size > maxOpBytes) {
    return `Not applied: this change is too large to send at once (${formatBytes(size)}, the limit is ${formatBytes(maxOpBytes)}).`;
  }
  return null;
}

function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

// Cancels a change of the user's that the server would refuse for its size
// (remote changes are the server's own); onRefuse gets the reason.
export function sizeGuard(limits, { isRemote, onRefuse }) {
  return [
    documentBytes,
    EditorState.transactionFilter.of((transaction) => {
      if (!transaction.docChanged || isRemote(transaction)) return transaction;
      const reason = refusal(transaction, limits);
      if (!reason) return transaction;
      onRefuse(reason);
      return [];
    }),
  ];
}
