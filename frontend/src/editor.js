// The editor page: CodeMirror 6 bound to a ShareDB text-unicode Doc over a
// reconnecting WebSocket, with presence, the connection's state and the edits
// waiting always shown, edits kept across reloads, and the server's word on
// rights and limits followed.
import ReconnectingWebSocket from 'reconnecting-websocket';
import ShareDB from 'sharedb/lib/client';
import { type as plainTextUnicode } from 'ot-text-unicode';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { accessControl } from './access.js';
import { isRemote, shareDBBinding } from './binding.js';
import { describeError, LOST_CODES } from './connection-state.js';
import { watchConnection } from './connection-watch.js';
import { countOps } from './pending-ops.js';
import { keepPending } from './persistence.js';
import { presenceExtension } from './presence.js';
import { listenToServer } from './server-messages.js';
import { MESSAGE_MARGIN, sizeGuard } from './size-limits.js';
import { statusLine } from './status.js';

// text-unicode has no transformPresence: move {start, end} carets through ops here.
const textUnicode = {
  ...plainTextUnicode,
  transformPresence(value, op, isOwnOp) {
    if (!value) return value;
    return { ...value, start: plainTextUnicode.transformPosition(value.start, op), end: plainTextUnicode.transformPosition(value.end, op) };
  },
};
ShareDB.types.register(textUnicode);

const config = JSON.parse(document.getElementById('editor-config').textContent);
const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
const connect = () => new ReconnectingWebSocket(`${scheme}://${window.location.host}${config.websocketPath}`, [], {
  maxReconnectionDelay: 4000,
  minReconnectionDelay: 250,
  // ShareDB resends what was not acknowledged itself. A message queued here would
  // reach the server before the handshake, under a new src, and be applied twice.
  maxEnqueuedMessages: 0,
});
const socket = connect();
const connection = new ShareDB.Connection(socket);
const doc = connection.get(config.collection, config.key);
const presence = connection.getDocPresence(config.collection, config.key);
const localPresence = presence.create();
window.collab = { connection, doc, presence }; // for the browser tests and the curious

const status = statusLine(document.getElementById('connection-status'));
const access = accessControl({
  canEdit: config.canEdit,
  noteElement: () => document.getElementById('read-only-note') || makeNote(),
});
const others = presenceExtension({
  connection, presence, localPresence,
  listElement: document.getElementById('present'),
  self: { name: config.userName, id: config.userId },
});
const pending = keepPending({
  // userName until the page says who the user is unambiguously (userId).
  owner: String(config.userId ?? config.userName),
  key: config.key,
  doc, connection, connect,
  Connection: ShareDB.Connection,
  onChange: () => showWaiting(),
  onProblem: (text) => status.message(text),
});

function makeNote() {
  const note = Object.assign(document.createElement('p'), { id: 'read-only-note', className: 'read-only-note' });
  document.querySelector('.editor-layout').before(note);
  return note;
}

function showWaiting() {
  status.waiting(countOps(doc) + pending.waiting());
}

let connectionState = null;
function showConnection() {
  const gone = access.gone();
  // The connection may be fine, but for this document the server says no.
  status.connection(gone ? { state: 'refused', reason: describeError({ code: gone }) } : connectionState);
}

function lose(code) {
  access.lose(code === 'ERR_DOC_WAS_DELETED' ? code : 'ERR_SNAPSHOT_READS_REJECTED');
  others.forget();
  pending.discard();
  showConnection();
}

watchConnection({
  connection, socket,
  probeUrl: window.location.href,
  onChange: (state) => {
    connectionState = state;
    showConnection();
  },
});
listenToServer(connection, config, {
  onRights: (rights) => access.rights(rights),
  onConnectionError: (error) => status.message(`The server: ${describeError(error)}.`),
  onDocumentError: (error) => {
    if (LOST_CODES.has(error.code)) lose(error.code);
    else status.message(`Your last edit was undone: ${describeError(error)}.`);
  },
});
doc.on('error', (error) => {
  // Errors from the server were shown as they came (they carry its message as .data).
  if (error.data || access.gone()) return;
  // ShareDB drops the edits queued behind one the server refused, and says so.
  const undone = error.code === 'ERR_PENDING_OP_REMOVED_BY_OP_SUBMIT_REJECTED';
  status.message(`${undone ? 'Your last edits were undone' : 'Error'}: ${describeError(error)}.`);
});
doc.on('del', () => lose('ERR_DOC_WAS_DELETED'));
connection.on('error', (error) => status.message(`The server: ${describeError(error)}.`));
presence.on('error', (error) => console.warn('presence:', error));
for (const event of ['op', 'no write pending', 'load']) doc.on(event, showWaiting);
connection.on('send', showWaiting);

doc.subscribe((error) => {
  if (error) {
    if (LOST_CODES.has(error.code)) lose(error.code);
    else status.message(`The document could not be opened: ${describeError(error)}.`);
    return;
  }
  if (!doc.type) lose('ERR_DOC_WAS_DELETED'); // deleted since this page was made
  presence.subscribe();
  const view = new EditorView({
    parent: document.getElementById('editor'),
    state: EditorState.create({
      doc: doc.data || '',
      extensions: [
        EditorView.cspNonce.of(config.cspNonce),
        lineNumbers(),
        drawSelection(),
        history(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.lineWrapping,
        access.extension(),
        shareDBBinding(doc, plainTextUnicode, { maxOpBytes: config.maxMessageBytes - MESSAGE_MARGIN }),
        sizeGuard(config, { isRemote, onRefuse: (reason) => status.message(reason) }),
        others.extension,
      ],
    }),
  });
  access.attach(view);
  window.collab.view = view;
  document.body.dataset.ready = 'true';
});
