// Messages from the server that the ShareDB client does not act on itself:
// - {a: 'rights', c, d, view, edit}: this user's rights on an open document changed;
// - {error} with no action: about the whole connection (refused, just before a close);
// - an error on this document's op or subscription: the client rolls the op
//   back (quietly for ERR_OP_SUBMIT_REJECTED) or emits it, but the page must
//   say why, and know when the document is gone for it.
// The first two are taken out of the stream: ShareDB would only warn about them.
export function listenToServer(connection, { collection, key }, { onRights, onConnectionError, onDocumentError }) {
  connection.on('receive', (request) => {
    const { data } = request;
    if (!data || typeof data !== 'object') return;
    if (data.a === 'rights') {
      if (data.c === collection && data.d === key) onRights({ view: data.view === true, edit: data.edit === true });
      request.data = null;
    } else if (data.a === undefined && data.error) {
      onConnectionError(data.error);
      request.data = null;
    } else if (data.a === 'op' && data.c === collection && data.d === key && data.error) {
      onDocumentError(data.error);
    }
  });
}
