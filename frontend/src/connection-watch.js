// Follows the socket and the connection to tell the status line the
// connection's state, and why it is not connected (see connection-state.js).
import { afterClose, afterProbe } from './connection-state.js';

// probeUrl: a page of the site this user may see, asked for when a connection
// attempt fails, to tell a refusal from an unreachable server.
export function watchConnection({ connection, socket, probeUrl, onChange }) {
  let connectedOnce = false;
  let opened = false; // whether the current attempt got as far as opening
  let failedToOpen = false; // whether the last attempt closed without opening
  let lastError = null; // the last error the server sent on this connection
  let why = null; // {state, reason} of the last failure, until connected again
  let probing = false;

  const current = () => {
    if (connection.state === 'connected') return { state: 'connected', reason: '' };
    if (navigator.onLine === false) return { state: 'offline', reason: '' };
    return why || { state: connectedOnce ? 'reconnecting' : 'connecting', reason: '' };
  };
  const update = () => onChange(current());

  const probe = async () => {
    if (probing) return;
    probing = true;
    let result;
    try {
      const response = await fetch(probeUrl, { method: 'HEAD', redirect: 'manual', cache: 'no-store', credentials: 'same-origin' });
      result = { status: response.status, redirected: response.type === 'opaqueredirect' };
    } catch {
      result = { unreachable: true };
    }
    probing = false;
    if (connection.state !== 'connected') why = afterProbe(result);
    update();
  };

  connection.on('receive', ({ data }) => {
    if (data && data.error) lastError = data.error;
  });
  connection.on('state', (state) => {
    if (state === 'connected') {
      connectedOnce = true;
      why = null;
      lastError = null;
    }
    update();
  });
  socket.addEventListener('open', () => {
    opened = true;
  });
  socket.addEventListener('close', (event) => {
    failedToOpen = !opened;
    if (opened) why = afterClose(event.code, lastError);
    opened = false;
    update();
  });
  // A browser reports a refused handshake as a failed attempt, as it does an
  // unreachable server (the socket reports its close, then the error).
  socket.addEventListener('error', () => {
    if (failedToOpen) probe();
  });
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  update();
}
