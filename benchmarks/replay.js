// One real ShareDB client replaying an editing trace against a server, one op in
// flight (the next is submitted when the previous is acknowledged). Prints one JSON
// line: ops/s, ack latency percentiles (ms) and whether a second connection reads
// back exactly the text the trace produces (through the last URL, when several
// servers share one database).
//
//   node benchmarks/replay.js --url ws://…[,ws://…] --trace tests/data/traces/NAME.json.gz
//                             [--ops N] [--origin URL] [--cookie C] [--label NAME] [--phases]
const fs = require('fs');
const zlib = require('zlib');
const WebSocket = require('ws');
const ShareDB = require('sharedb/lib/client');
const textUnicode = require('ot-text-unicode').type;
const { opsBegin, opsDone } = require('./phases');

ShareDB.types.register(textUnicode);
ShareDB.logger.setMethods({ info: () => {}, warn: () => {}, error: () => {} });

const args = process.argv.slice(2);
const value = (name, fallback) => (args.includes('--' + name) ? args[args.indexOf('--' + name) + 1] : fallback);
const config = {
  urls: value('url').split(','), trace: value('trace'), ops: +value('ops', 5000),
  origin: value('origin', 'http://127.0.0.1'), cookie: value('cookie', ''), label: value('label', 'server'),
};

const now = () => Number(process.hrtime.bigint()) / 1e6;
const callback = (fn) => new Promise((resolve, reject) => fn((error) => (error ? reject(error) : resolve())));
const percentile = (sorted, p) => +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2);

function traceOps() {
  const trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(config.trace)).toString('utf8'));
  const ops = [];
  for (const txn of trace.txns) {
    for (const [position, deleted, inserted] of txn.patches) {
      const op = position ? [position] : [];
      if (deleted) op.push({ d: deleted });
      if (inserted) op.push(inserted);
      ops.push(op);
    }
  }
  return { start: trace.startContent, ops: ops.slice(0, config.ops) };
}

async function connect(url) {
  const socket = new WebSocket(url, { origin: config.origin, headers: config.cookie ? { Cookie: config.cookie } : {} });
  socket.on('error', () => {});
  const connection = new ShareDB.Connection(socket);
  if (connection.state !== 'connected') await new Promise((resolve) => connection.on('connected', resolve));
  return connection;
}

async function main() {
  const { start, ops } = traceOps();
  const id = `trace-${config.label}-${Date.now()}`;
  const writer = await connect(config.urls[0]);
  const doc = writer.get('documents', id);
  await callback((cb) => doc.create(start, textUnicode.uri, cb));
  const acks = [];
  await opsBegin();
  const began = now();
  for (const op of ops) {
    const sent = now();
    await callback((cb) => doc.submitOp(op, cb));
    acks.push(now() - sent);
  }
  const seconds = (now() - began) / 1000;
  await opsDone();
  const expected = ops.reduce((text, op) => textUnicode.apply(text, op), start);
  const reader = await connect(config.urls[config.urls.length - 1]);
  const copy = reader.get('documents', id);
  await callback((cb) => copy.fetch(cb));
  acks.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({
    label: config.label, ops: ops.length, seconds: +seconds.toFixed(3), committed_ops_per_s: +(ops.length / seconds).toFixed(1),
    ack_ms: { p50: percentile(acks, 50), p99: percentile(acks, 99), n: acks.length },
    matches_trace: copy.data === expected && copy.version === ops.length + 1,
  }) + '\n');
  writer.close();
  reader.close();
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
