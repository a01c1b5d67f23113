// Load generator with real ShareDB clients: N clients over D documents, K ops
// each, at R ops/s per client (0: one op in flight, the next as soon as the ack
// comes). Prints one JSON line: committed ops/s, ack and broadcast latency
// percentiles (ms), duplicate deliveries and whether every document converged.
//
//   node benchmarks/load.js --url ws://127.0.0.1:8000/ws/collab/[,ws://…] [--origin URL] [--cookie C]
//                           --clients N --docs D --ops K --rate R [--label NAME] [--phases]
//
// With several URLs (servers sharing one database), client i connects to URL i mod n.
const WebSocket = require('ws');
const ShareDB = require('sharedb/lib/client');
const textUnicode = require('ot-text-unicode').type;
const { opsBegin, opsDone } = require('./phases');

ShareDB.types.register(textUnicode);
ShareDB.logger.setMethods({ info: () => {}, warn: () => {}, error: () => {} });

function options() {
  const args = process.argv.slice(2);
  const value = (name, fallback) => {
    const index = args.indexOf('--' + name);
    return index === -1 ? fallback : args[index + 1];
  };
  return {
    urls: value('url').split(','), origin: value('origin', 'http://127.0.0.1'), cookie: value('cookie', ''),
    clients: +value('clients', 2), docs: +value('docs', 1), ops: +value('ops', 100), rate: +value('rate', 0),
    label: value('label', 'server'),
  };
}

const now = () => Number(process.hrtime.bigint()) / 1e6;
const callback = (fn) => new Promise((resolve, reject) => fn((error) => (error ? reject(error) : resolve())));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2);
}

function summary(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), n: sorted.length };
}

async function connect(config, index) {
  const socket = new WebSocket(config.urls[index % config.urls.length], { origin: config.origin, headers: config.cookie ? { Cookie: config.cookie } : {} });
  socket.on('error', () => {});
  const connection = new ShareDB.Connection(socket);
  await new Promise((resolve) => {
    if (connection.state === 'connected') resolve();
    connection.on('connected', resolve);
  });
  return connection;
}

async function main() {
  const config = options();
  const run = `${config.label}-${Date.now()}`;
  const sentAt = new Map();
  const ackLatencies = [];
  const sentOfVersion = new Map(); // doc:version -> when its op was sent
  const receivedAt = []; // [doc:version, when another client received it]
  let duplicates = 0;
  const clients = [];
  for (let i = 0; i < config.clients; i++) {
    const connection = await connect(config, i);
    const seen = new Set();
    connection.on('send', (message) => {
      if (message.a === 'op' && message.seq != null) sentAt.set(`${message.src || connection.id}:${message.seq}`, now());
    });
    connection.on('receive', (request) => {
      const message = request.data;
      if (!message || message.a !== 'op' || message.error) return;
      const key = `${message.d}:${message.v}`;
      if (!('op' in message)) {
        // An ack: when the op committed at this version was sent. Broadcasts are matched
        // by version, as a server may show others a different src than the sender's.
        const sent = sentAt.get(`${message.src}:${message.seq}`);
        if (sent !== undefined) sentOfVersion.set(key, sent);
        return;
      }
      if (seen.has(key)) duplicates++;
      seen.add(key);
      receivedAt.push([key, now()]);
    });
    const doc = connection.get('documents', `${run}-${i % config.docs}`);
    clients.push({ connection, doc });
  }
  for (const { doc } of clients) {
    await callback((cb) => doc.fetch(cb));
    if (!doc.type) await callback((cb) => doc.create('', textUnicode.uri, cb)).catch(() => callback((cb) => doc.fetch(cb)));
  }
  for (const { doc } of clients) await callback((cb) => doc.subscribe(cb));

  const insertOp = (doc) => {
    const position = Math.floor(Math.random() * (doc.data.length + 1));
    return position ? [position, 'x'] : ['x'];
  };
  const submit = (doc) => {
    const start = now();
    return callback((cb) => doc.submitOp(insertOp(doc), cb)).then(() => ackLatencies.push(now() - start));
  };
  await opsBegin();
  const began = now();
  await Promise.all(clients.map(async ({ doc }, index) => {
    if (config.rate === 0) {
      for (let k = 0; k < config.ops; k++) await submit(doc);
      return;
    }
    const interval = 1000 / config.rate;
    await sleep(Math.random() * interval); // spread the clients over one interval
    const acks = [];
    for (let k = 0; k < config.ops; k++) {
      acks.push(submit(doc));
      await sleep(interval);
    }
    await Promise.all(acks);
  }));
  const elapsed = (now() - began) / 1000;

  // Converged: every client of a document holds the same version and text.
  let converged = false;
  for (let attempt = 0; attempt < 200 && !converged; attempt++) {
    const byDoc = new Map();
    converged = clients.every(({ doc }) => {
      const state = `${doc.version}:${doc.data}`;
      if (!byDoc.has(doc.id)) byDoc.set(doc.id, state);
      return byDoc.get(doc.id) === state && !doc.hasWritePending();
    });
    if (!converged) await sleep(50);
  }
  await opsDone(); // after the last broadcasts reached everyone
  const committed = config.clients * config.ops;
  const broadcastLatencies = receivedAt.filter(([key]) => sentOfVersion.has(key)).map(([key, at]) => at - sentOfVersion.get(key));
  process.stdout.write(JSON.stringify({
    label: config.label, clients: config.clients, docs: config.docs, ops_per_client: config.ops, rate: config.rate,
    committed_ops: committed, seconds: +elapsed.toFixed(3), committed_ops_per_s: +(committed / elapsed).toFixed(1),
    ack_ms: summary(ackLatencies), broadcast_ms: summary(broadcastLatencies), duplicate_deliveries: duplicates, converged,
  }) + '\n');
  for (const { connection } of clients) connection.close();
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
