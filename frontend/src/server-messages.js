// Messages from the server that the ShareDB client does not act on itself:
// - {a: 'rights', c, d, view, edit}: this user's rights on an open document
//   changed (ShareDB only warns that it does not know the message);
// - {error} with no action: about the whole connection, just before the server
//   closes it (too many connections, say);
// - an error on this document's op or subscription: the client rolls the op
//   back (quietly for ERR_OP_SUBMIT_REJECTED) or emits the error, but the page
//   must say why, and know when the document is gone for it.
export function listenToServer(connection, { collection, key }, { onRights, onConnectionError, onDocumentError }) {
  connection.on('receive', ({ data }) => {
    if (!data || typeof data !== 'object') return;
    if (data.a === 'rights') {
      if (data.c === collection && data.d === key) onRights({ view: data.view === true, edit: data.edit === true });
    } else if (data.a === undefined && data.error) {
      onConnectionError(data.error);
    } else if (data.a === 'op' && data.c === collection && data.d === key && data.error) {
      onDocumentError(data.error);
    }
  });
}
