// ShareDB's own Node server (MemoryDB, text-unicode registered), the reference the
// load benchmark compares us with. Prints {"port": N} once listening.
const WebSocket = require('ws');
const ShareDB = require('sharedb');
const WebSocketJSONStream = require('@teamwork/websocket-json-stream');

ShareDB.types.register(require('ot-text-unicode').type);
const backend = new ShareDB({ presence: true });
const server = new WebSocket.Server({ host: '127.0.0.1', port: 0 }, () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
server.on('connection', (socket) => backend.listen(new WebSocketJSONStream(socket)));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
