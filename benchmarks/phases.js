// With --phases, a benchmark script marks the part of its run that is measured,
// so that whoever runs it can read the servers' CPU at both ends (benchmarks/phases.py):
// connecting, creating and subscribing come before it, closing after it.
// It prints {"phase":"ops"} and waits for a line on stdin before its first op,
// and prints {"phase":"done"} after its last ack. Without --phases, neither.
const readline = require('readline');

const phased = process.argv.includes('--phases');

async function opsBegin() {
  if (!phased) return;
  process.stdout.write(JSON.stringify({ phase: 'ops' }) + '\n');
  const lines = readline.createInterface({ input: process.stdin });
  await new Promise((resolve) => lines.once('line', resolve));
  lines.close();
}

function opsDone() {
  if (phased) process.stdout.write(JSON.stringify({ phase: 'done' }) + '\n');
}

module.exports = { opsBegin, opsDone };
