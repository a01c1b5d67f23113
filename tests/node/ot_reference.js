// Answers calls to the reference text-unicode type (ot-text-unicode), one JSON
// line in, one JSON line out: {"fn": "apply", "args": [...]} -> {"ok": result} | {"error": message}
const readline = require('readline');
const { type } = require('ot-text-unicode');

const functions = {
  apply: (doc, op) => type.apply(doc, op),
  transform: (op, other, side) => type.transform(op, other, side),
  compose: (a, b) => type.compose(a, b),
  normalize: (op) => type.normalize(op),
  transformPosition: (cursor, op) => type.transformPosition(cursor, op),
  invertWithDoc: (op, doc) => type.invertWithDoc(op, doc),
  // Replays a whole trace, best of `rounds`, so Python and JS are timed on the same ops.
  replay: (doc, ops, rounds) => {
    let result = doc;
    let best = 0;
    for (let r = 0; r < rounds; r++) {
      const start = process.hrtime.bigint();
      result = doc;
      for (const op of ops) result = type.apply(result, op);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      best = Math.max(best, ops.length / seconds);
    }
    return { doc: result, opsPerSecond: best };
  },
};

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  let reply;
  try {
    const { fn, args } = JSON.parse(line);
    reply = { ok: functions[fn](...args) };
  } catch (error) {
    reply = { error: String(error && error.message) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
