// With --phases, a benchmark script marks the part of its run that is measured,
// so that whoever runs it can read the servers' CPU at both ends (benchmarks/phases.py):
// connecting, creating and subscribing come before it, closing after it.
// At each end it prints {"phase":"ops"} or {"phase":"done"} and waits for a line
// on stdin before going on; stdin closing instead is an error. Without --phases, neither.
const readline = require('readline');

const phased = process.argv.includes('--phases');
let lines = null;

function mark(phase) {
  if (!phased) return Promise.resolve();
  lines = lines || readline.createInterface({ input: process.stdin });
  process.stdout.write(JSON.stringify({ phase }) + '\n');
  return new Promise((resolve, reject) => {
    const closed = () => reject(new Error(`stdin closed while waiting to go on after "${phase}"`));
    lines.once('close', closed);
    lines.once('line', () => {
      lines.off('close', closed);
      if (phase === 'done') lines.close();
      resolve();
    });
  });
}

module.exports = { opsBegin: () => mark('ops'), opsDone: () => mark('done') };
