// Why the editor is not connected, in words, from what the socket and the
// server said. Pure: connection-watch.js feeds it, the status line shows it.
//
// States: connecting, connected, reconnecting (the server is unreachable, or
// nothing more is known), offline (the browser says so), refused (the server
// will not have this connection or this document), rate-limited, too-large.

// The document is gone for this page: deleted, or no longer visible to this user.
export const LOST_CODES = new Set(['ERR_DOC_WAS_DELETED', 'ERR_SNAPSHOT_READS_REJECTED', 'ERR_DOC_DOES_NOT_EXIST']);

// A user-facing sentence for a ShareDB or server error.
export function describeError(error) {
  switch (error && error.code) {
    case 'ERR_OP_SUBMIT_REJECTED':
      return 'the server refused it: you may not edit this document';
    case 'ERR_PENDING_OP_REMOVED_BY_OP_SUBMIT_REJECTED':
      return 'the server refused an edit made before them: you may not edit this document';
    case 'ERR_DOC_TOO_LARGE':
      return 'the document would be larger than the server allows';
    case 'ERR_MESSAGE_TOO_LARGE':
      return 'it was too large to send';
    case 'ERR_RATE_LIMITED':
      return 'too many changes in a short time: the server is slowing this connection down';
    case 'ERR_DOC_WAS_DELETED':
      return 'this document was deleted';
    case 'ERR_SNAPSHOT_READS_REJECTED':
    case 'ERR_DOC_DOES_NOT_EXIST':
      return 'this document is no longer available to you';
    default:
      return (error && (error.message || error.code)) || 'unknown error';
  }
}

// After the server closed an open connection with `code`; `lastError` is the
// last error it sent before. null: nothing special, just reconnecting.
export function afterClose(code, lastError) {
  const said = (errorCode) => (lastError && lastError.code === errorCode ? lastError.message : null);
  if (code === 1008) {
    if (said('ERR_LIMIT_EXCEEDED')) return { state: 'refused', reason: said('ERR_LIMIT_EXCEEDED') };
    return { state: 'rate-limited', reason: said('ERR_RATE_LIMITED') || 'the server closed the connection for sending too much' };
  }
  if (code === 1009) return { state: 'too-large', reason: 'the server closed the connection: a message was too large' };
  if (code === 1007) return { state: 'refused', reason: 'the server closed the connection: it could not read a message' };
  return null;
}

// After a connection attempt failed before opening (a browser does not say why:
// a refused handshake looks like an unreachable server), from a plain request
// for the page: {status, redirected} or {unreachable: true}.
export function afterProbe(result) {
  if (result.unreachable || result.status >= 500) return null;
  if (result.redirected) return { state: 'refused', reason: 'you are signed out: sign in again' };
  if (result.status === 404 || result.status === 403) return { state: 'refused', reason: 'this document is no longer available to you' };
  return { state: 'refused', reason: 'the server refused the connection' };
}
