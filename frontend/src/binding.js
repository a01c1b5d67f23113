// Binds a CodeMirror view to a ShareDB Doc of type text-unicode.
//
// Local transactions become ops (in code points). Remote ops become CodeMirror
// changes kept out of the undo history, which maps the user's own changes
// through them instead: undo and redo touch only what this user did.
// While an IME composition is under way nothing is sent: its changes are
// gathered and sent as one op when it ends, transformed over any remote ops
// that arrived meanwhile (those are held back until then).
// When ShareDB reloads the document (a hard rollback after a refused op) the
// editor is brought back in step with it by the smallest change.
import { Annotation, ChangeSet, Transaction } from '@codemirror/state';
import { EditorView, ViewPlugin } from '@codemirror/view';
import { changesToOp, opToChanges } from './positions.js';
import { opBytes } from './size-limits.js';
import { smallestChange } from './text-diff.js';

const remote = Annotation.define();
export const isRemote = (transaction) => transaction.annotation(remote) === true;
const LOCAL = { local: true };

// maxOpBytes: the largest op the server takes in one message.
export function shareDBBinding(doc, type, { maxOpBytes }) {
  let view = null;
  let composing = null; // {before: text at composition start, changes: ChangeSet since}
  let heldBack = []; // remote ops that arrived during the composition

  const applyRemote = (changes) => {
    view.dispatch({ changes, annotations: [remote.of(true), Transaction.addToHistory.of(false)] });
  };

  const submit = (op) => {
    // No type: ShareDB is reloading the document after a refusal, and its
    // 'load' will put the editor back in step, dropping this change.
    if (!op.length || !doc.type) return;
    // ShareDB composes an op into the last one not yet sent: not when
    // together they would be too large to send.
    const last = doc.pendingOps[doc.pendingOps.length - 1];
    doc.preventCompose = Boolean(last && !last.sentAt && 'op' in last && opBytes(last.op) + opBytes(op) > maxOpBytes);
    doc.submitOp(op, { source: LOCAL });
    doc.preventCompose = false;
  };

  const finishComposition = () => {
    const { before, changes } = composing;
    const held = heldBack;
    // Cleared first: applying the held-back ops below runs this listener again.
    composing = null;
    heldBack = [];
    let op = changesToOp(changes, before);
    for (const theirs of held) {
      // ours goes left, as the server transforms a submitted op
      const theirsAfterOurs = type.transform(theirs, op, 'right');
      op = type.transform(op, theirs, 'left');
      applyRemote(opToChanges(theirsAfterOurs, view.state.doc.toString()));
    }
    submit(op);
  };

  doc.on('op', (op, source) => {
    if (source === LOCAL || !view) return;
    if (composing) heldBack.push(op);
    else applyRemote(opToChanges(op, view.state.doc.toString()));
  });

  doc.on('load', () => {
    // A document that no longer exists keeps its last text on screen.
    if (!view || !doc.type) return;
    composing = null; // what was being composed is not in the document
    heldBack = [];
    const change = smallestChange(view.state.doc.toString(), doc.data);
    if (change) applyRemote(change);
  });

  return [
    // The view as soon as it exists: remote ops may come before its first update.
    ViewPlugin.define((created) => {
      view = created;
      return {};
    }),
    EditorView.updateListener.of((update) => {
      for (const transaction of update.transactions) {
        if (!transaction.docChanged || isRemote(transaction)) continue;
        if (update.view.composing || composing) {
          if (!composing) composing = { before: transaction.startState.doc.toString(), changes: ChangeSet.empty(transaction.startState.doc.length) };
          composing.changes = composing.changes.compose(transaction.changes);
        } else {
          submit(changesToOp(transaction.changes, transaction.startState.doc.toString()));
        }
      }
      if (composing && !update.view.composing) finishComposition();
    }),
  ];
}
