// A ShareDB Doc's unacknowledged edits as plain data, and back: stored by one
// page, handed to a fresh Doc in a later one to be sent again.
//
// The in-flight op and the queued ops apply, in order, to the document at
// doc.version, so {version, ops} is a consistent picture at any moment, even a
// stale one. An op that has been sent keeps the src and seq it was sent with:
// sent again with them, the server acknowledges it once, whether or not it
// committed it before (Doc.prototype._sendOp keeps a preset src and seq).

export function pendingOf(doc) {
  const ops = [doc.inflightOp, ...doc.pendingOps].filter((op) => op && 'op' in op);
  if (!ops.length || doc.version == null) return null;
  return {
    version: doc.version,
    // While the 'send' event of its first sending runs, an op has its seq but
    // not yet its src, which is the connection's id.
    ops: ops.map((op) => (op.seq == null ? { op: op.op } : { op: op.op, src: op.src ?? doc.connection.id, seq: op.seq })),
  };
}

// `snapshot` is the document at pending.version ({v, type, data}), `doc` a
// Doc that has nothing yet. The ops are queued, each as it was stored.
export function restorePending(doc, snapshot, pending) {
  doc.ingestSnapshot(snapshot);
  // Not composed together: a sent op must go again exactly as it went.
  doc.preventCompose = true;
  try {
    for (const stored of pending.ops) {
      doc.submitOp(stored.op);
      if (stored.seq != null) {
        // sentAt: nothing may be composed into it later either.
        Object.assign(doc.pendingOps[doc.pendingOps.length - 1], { src: stored.src, seq: stored.seq, sentAt: Date.now() });
      }
    }
  } finally {
    doc.preventCompose = false;
  }
}

export const countOps = (doc) => doc.pendingOps.length + (doc.inflightOp ? 1 : 0);
