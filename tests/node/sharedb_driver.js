// Drives real ShareDB clients (sharedb/lib/client, ot-text-unicode) for the
// live-server tests. One JSON command per line on stdin, one JSON reply per
// line on stdout, in order: {"cmd": "...", "args": {...}} -> {"ok": ...} | {"error": "..."}
const readline = require('readline');
const WebSocket = require('ws');
const ShareDB = require('sharedb/lib/client');
const plainTextUnicode = require('ot-text-unicode').type;

// text-unicode has no transformPresence: wrap it, as the browser does, to move {start, end} carets.
const textUnicode = {
  ...plainTextUnicode,
  transformPresence(presence, op) {
    if (!presence) return presence;
    return { ...presence, start: plainTextUnicode.transformPosition(presence.start, op), end: plainTextUnicode.transformPosition(presence.end, op) };
  },
};
ShareDB.types.register(textUnicode);
ShareDB.logger.setMethods({ info: () => {}, warn: () => {}, error: () => {} });

const COLLECTION = 'documents';
const clients = {};

function waitFor(emitter, event, check) {
  return new Promise((resolve) => {
    if (check && check()) return resolve();
    const listener = () => { if (!check || check()) { emitter.off(event, listener); resolve(); } };
    emitter.on(event, listener);
  });
}

function callback(fn) {
  return new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));
}

function openSocket(client) {
  const socket = new WebSocket(client.url, { origin: client.origin, headers: client.cookie ? { Cookie: client.cookie } : {} });
  socket.on('error', () => {});
  return socket;
}

function doc(name, id) {
  const client = clients[name];
  const document = client.connection.get(COLLECTION, id);
  if (!client.docs.has(id)) {
    client.docs.add(id);
    document.on('error', (error) => client.errors.push({ id, code: error.code, message: error.message }));
  }
  return document;
}

function state(document) {
  return { v: document.version, data: document.data === undefined ? null : document.data, type: document.type ? document.type.uri : null, pending: document.hasWritePending() };
}

const commands = {
  async open({ name, url, origin, cookie }) {
    const client = { url, origin, cookie, docs: new Set(), errors: [], acks: [], acksToDrop: 0, presences: {} };
    client.connection = new ShareDB.Connection(openSocket(client));
    client.connection.on('error', (error) => client.errors.push({ code: error.code, message: error.message }));
    client.connection.on('receive', (request) => {
      const message = request.data;
      const isAck = message.a === 'op' && message.src === client.connection.id && message.error === undefined && !('op' in message) && !message.create && !message.del;
      if (!isAck) return;
      // Simulate a lost ack: the op committed, the socket dies before its ack arrives.
      if (client.acksToDrop > 0) {
        client.acksToDrop -= 1;
        request.data = null;
        client.connection.socket.close();
        return;
      }
      client.acks.push({ src: message.src, seq: message.seq, v: message.v });
    });
    clients[name] = client;
    await waitFor(client.connection, 'state', () => client.connection.state === 'connected');
    return { id: client.connection.id };
  },
  async create({ name, id, text }) {
    const document = doc(name, id);
    await callback((cb) => document.fetch(cb));
    await callback((cb) => document.create(text, textUnicode.uri, cb));
    return state(document);
  },
  async subscribe({ name, id }) {
    const document = doc(name, id);
    await callback((cb) => document.subscribe(cb));
    return state(document);
  },
  async fetch({ name, id }) {
    const document = doc(name, id);
    await callback((cb) => document.fetch(cb));
    return state(document);
  },
  // Submits without waiting for the ack; `settle` waits for all of them.
  // With `expected`, only if the document still has that text: ops may have
  // arrived since the caller read it, and an op made for other text is wrong.
  async submit({ name, id, op, expected }) {
    const document = doc(name, id);
    if (expected !== undefined && document.data !== expected) return { ...state(document), stale: true };
    document.submitOp(op, (error) => { if (error) clients[name].errors.push({ id, code: error.code, message: error.message }); });
    return state(document);
  },
  async submitAndWait({ name, id, op }) {
    const document = doc(name, id);
    try {
      await callback((cb) => document.submitOp(op, cb));
      return { ...state(document), error: null };
    } catch (error) {
      await new Promise((resolve) => document.whenNothingPending(resolve));
      return { ...state(document), error: error.code || error.message };
    }
  },
  async del({ name, id }) {
    const document = doc(name, id);
    await callback((cb) => document.del(cb));
    return state(document);
  },
  async state({ name, id }) {
    return state(doc(name, id));
  },
  async settle({ name, id }) {
    const document = doc(name, id);
    await new Promise((resolve) => document.whenNothingPending(resolve));
    return state(document);
  },
  async drop({ name }) {
    const connection = clients[name].connection;
    connection.socket.close();
    await waitFor(connection, 'state', () => connection.state === 'disconnected');
    return { state: connection.state };
  },
  // To the same server, or with `url` to another (its server died).
  async reconnect({ name, url }) {
    const client = clients[name];
    if (url) client.url = url;
    client.connection.bindToSocket(openSocket(client));
    await waitFor(client.connection, 'state', () => client.connection.state === 'connected');
    return { id: client.connection.id };
  },
  async dropNextAck({ name }) {
    clients[name].acksToDrop += 1;
    return {};
  },
  async fetchSnapshot({ name, id, version }) {
    const snapshot = await callback((cb) => clients[name].connection.fetchSnapshot(COLLECTION, id, version, cb));
    return { v: snapshot.v, type: snapshot.type, data: snapshot.data === undefined ? null : snapshot.data };
  },
  async fetchSnapshotByTimestamp({ name, id, timestamp }) {
    const snapshot = await callback((cb) => clients[name].connection.fetchSnapshotByTimestamp(COLLECTION, id, timestamp, cb));
    return { v: snapshot.v, type: snapshot.type, data: snapshot.data === undefined ? null : snapshot.data };
  },
  async presenceSubscribe({ name, id }) {
    const presence = clients[name].connection.getDocPresence(COLLECTION, id);
    clients[name].presences[id] = presence;
    await callback((cb) => presence.subscribe(cb));
    return {};
  },
  async presenceSubmit({ name, id, value }) {
    const presence = clients[name].presences[id];
    const local = presence.localPresences.caret || presence.create('caret');
    await callback((cb) => local.submit(value, cb));
    return {};
  },
  async remotePresences({ name, id }) {
    return clients[name].presences[id].remotePresences;
  },
  async errors({ name }) {
    return clients[name].errors;
  },
  // Every acknowledgement this client received: {src, seq, v}.
  async acks({ name }) {
    return clients[name].acks;
  },
  // Resolves once the server is gone: the socket closed.
  async waitDisconnected({ name }) {
    const connection = clients[name].connection;
    await waitFor(connection, 'state', () => connection.state !== 'connected');
    return { state: connection.state };
  },
  async close({ name }) {
    clients[name].connection.close();
    delete clients[name];
    return {};
  },
};

let queue = Promise.resolve();
const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
// Open sockets would keep Node alive: leave when the test closes our stdin.
input.on('close', () => queue.then(() => process.exit(0)));
input.on('line', (line) => {
  queue = queue.then(async () => {
    let reply;
    try {
      const { cmd, args } = JSON.parse(line);
      reply = { ok: await commands[cmd](args || {}) };
    } catch (error) {
      reply = { error: String((error && (error.code || error.message)) || error) };
    }
    process.stdout.write(JSON.stringify(reply) + '\n');
  });
});
