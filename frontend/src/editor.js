// The editor page: CodeMirror 6 bound to a ShareDB text-unicode Doc over a
// reconnecting WebSocket, with presence and a visible connection state.
import ReconnectingWebSocket from 'reconnecting-websocket';
import ShareDB from 'sharedb/lib/client';
import { type as plainTextUnicode } from 'ot-text-unicode';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { shareDBBinding } from './binding.js';
import { presenceExtension } from './presence.js';
import { watchStatus } from './status.js';

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
const socket = new ReconnectingWebSocket(`${scheme}://${window.location.host}${config.websocketPath}`, [], {
  maxReconnectionDelay: 4000,
  minReconnectionDelay: 250,
  // ShareDB resends what was not acknowledged itself. A message queued here would
  // reach the server before the handshake, under a new src, and be applied twice.
  maxEnqueuedMessages: 0,
});
const connection = new ShareDB.Connection(socket);
const doc = connection.get(config.collection, config.key);
const presence = connection.getDocPresence(config.collection, config.key);
const localPresence = presence.create();
window.collab = { connection, doc, presence }; // for the browser tests and the curious

watchStatus(connection, doc, document.getElementById('connection-status'));

doc.subscribe((error) => {
  if (error) {
    document.getElementById('connection-status').textContent = `error: ${error.message}`;
    return;
  }
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
        EditorState.readOnly.of(!config.canEdit),
        EditorView.editable.of(config.canEdit),
        shareDBBinding(doc, plainTextUnicode),
        presenceExtension(presence, localPresence, document.getElementById('present'), config.userName),
      ],
    }),
  });
  window.collab.view = view;
  document.body.dataset.ready = 'true';
});
