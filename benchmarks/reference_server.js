// ShareDB's own Node server (text-unicode registered), the reference the load
// benchmark compares us with: MemoryDB, or sharedb-postgres with --postgres URL
// (its tables are created if missing). Prints {"port": N} once listening.
const fs = require('fs');
const path = require('path');
const WebSocket = require('ws');
const ShareDB = require('sharedb');
const WebSocketJSONStream = require('@teamwork/websocket-json-stream');

ShareDB.types.register(require('ot-text-unicode').type);

async function database() {
  const index = process.argv.indexOf('--postgres');
  if (index === -1) return undefined; // ShareDB's MemoryDB
  const connectionString = process.argv[index + 1];
  const structure = path.join(path.dirname(require.resolve('sharedb-postgres')), 'structure.sql');
  const { Client } = require('pg');
  const client = new Client({ connectionString });
  await client.connect();
  await client.query(fs.readFileSync(structure, 'utf8'));
  await client.end();
  const db = require('sharedb-postgres')({ connectionString });
  // sharedb-postgres reads an empty text back as no data (`row?.data || undefined`),
  // which ShareDB then refuses as an invalid snapshot: give a typed snapshot its "".
  const getSnapshot = db.getSnapshot.bind(db);
  db.getSnapshot = (collection, id, fields, options, callback) => getSnapshot(collection, id, fields, options, (error, snapshot) => {
    if (snapshot && snapshot.type && snapshot.data === undefined) snapshot.data = '';
    callback(error, snapshot);
  });
  return db;
}

database().then((db) => {
  const backend = new ShareDB({ presence: true, doNotForwardSendPresenceErrorsToClient: true, db });
  const server = new WebSocket.Server({ host: '127.0.0.1', port: 0 }, () => {
    process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
  });
  server.on('connection', (socket) => backend.listen(new WebSocketJSONStream(socket)));
});
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
