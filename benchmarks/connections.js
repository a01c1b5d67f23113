// Opens N real ShareDB connections at once, each subscribing to one of D documents,
// like clients coming back after a restart. Prints {"ready": true, seconds, failed} once
// all are subscribed, keeps them open and idle, and leaves when stdin closes.
//
//   node benchmarks/connections.js --url ws://127.0.0.1:8000/ws/collab/ [--origin URL] [--cookie C]
//                                  --clients N --docs D --prefix NAME
const WebSocket = require('ws');
const ShareDB = require('sharedb/lib/client');

ShareDB.types.register(require('ot-text-unicode').type);
ShareDB.logger.setMethods({ info: () => {}, warn: () => {}, error: () => {} });

const args = process.argv.slice(2);
const value = (name, fallback) => (args.includes('--' + name) ? args[args.indexOf('--' + name) + 1] : fallback);
const config = {
  url: value('url'), origin: value('origin', 'http://127.0.0.1'), cookie: value('cookie', ''),
  clients: +value('clients', 100), docs: +value('docs', 10), prefix: value('prefix', 'conn'),
};

function subscribed(index) {
  return new Promise((resolve) => {
    const socket = new WebSocket(config.url, { origin: config.origin, headers: config.cookie ? { Cookie: config.cookie } : {} });
    socket.on('error', () => resolve(false));
    const connection = new ShareDB.Connection(socket);
    const doc = connection.get('documents', `${config.prefix}-${index % config.docs}`);
    doc.subscribe((error) => resolve(!error));
  });
}

async function main() {
  const began = process.hrtime.bigint();
  const results = await Promise.all(Array.from({ length: config.clients }, (_, index) => subscribed(index)));
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  process.stdout.write(JSON.stringify({ ready: true, seconds: +seconds.toFixed(2), failed: results.filter((ok) => !ok).length }) + '\n');
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}

main();
