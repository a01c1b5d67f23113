// The connection state and the number of edits not yet acknowledged, always on screen.
export function watchStatus(connection, doc, element) {
  const render = () => {
    const waiting = doc.pendingOps.length + (doc.inflightOp ? 1 : 0);
    let state = connection.state === 'connected' ? 'connected' : 'reconnecting';
    if (typeof navigator !== 'undefined' && navigator.onLine === false) state = 'offline';
    element.dataset.state = state;
    element.textContent = waiting ? `${state} · ${waiting} edit${waiting === 1 ? '' : 's'} waiting` : state;
  };
  connection.on('state', render);
  doc.on('op', render);
  doc.on('no write pending', render);
  window.addEventListener('online', render);
  window.addEventListener('offline', render);
  setInterval(render, 500);
  render();
  return render;
}
