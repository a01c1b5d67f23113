// The status line: the connection's state and, when not connected, why; how
// many edits wait for the server; and the latest message about an edit or the
// document, shown for a while next to it.

const LABELS = {
  connecting: 'connecting',
  connected: 'connected',
  reconnecting: 'reconnecting',
  offline: 'offline',
  refused: 'refused',
  'rate-limited': 'rate-limited',
  'too-large': 'too large',
};
const MESSAGE_SECONDS = 30;

export function statusLine(stateElement) {
  const messageElement = Object.assign(document.createElement('span'), { id: 'editor-message', className: 'editor-message', hidden: true });
  messageElement.setAttribute('role', 'status');
  stateElement.after(messageElement);
  let connection = { state: 'connecting', reason: '' };
  let waiting = 0;
  let timer = null;

  const render = () => {
    stateElement.dataset.state = connection.state;
    const parts = [connection.reason ? `${LABELS[connection.state]}: ${connection.reason}` : LABELS[connection.state]];
    if (waiting) parts.push(`${waiting} edit${waiting === 1 ? '' : 's'} waiting`);
    stateElement.textContent = parts.join(' · ');
  };
  render();

  return {
    connection(next) {
      connection = next;
      render();
    },
    waiting(count) {
      if (count === waiting) return;
      waiting = count;
      render();
    },
    message(text) {
      clearTimeout(timer);
      messageElement.textContent = text;
      messageElement.hidden = false;
      timer = setTimeout(() => {
        messageElement.hidden = true;
      }, MESSAGE_SECONDS * 1000);
    },
  };
}
