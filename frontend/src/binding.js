// Binds a CodeMirror view to a ShareDB Doc of type text-unicode.
//
// Local transactions become ops (in code points); remote ops become
// CodeMirror changes, which map the local selection as CodeMirror does.
// While an IME composition is under way nothing is sent: its changes are
// gathered and sent as one op when it ends, transformed over any remote
// ops that arrived meanwhile (those are held back until then).
import { Annotation, ChangeSet } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { changesToOp, opToChanges } from './positions.js';

const remote = Annotation.define();
export const LOCAL = { local: true };

export function shareDBBinding(doc, type) {
  let view = null;
  let composing = null; // {before: text at composition start, changes: ChangeSet since}
  let heldBack = []; // remote ops that arrived during the composition

  const applyRemote = (op) => {
    view.dispatch({ changes: opToChanges(op, view.state.doc.toString()), annotations: remote.of(true) });
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
      applyRemote(theirsAfterOurs);
    }
    if (op.length) doc.submitOp(op, { source: LOCAL });
  };

  doc.on('op', (op, source) => {
    if (source === LOCAL || !view) return;
    if (composing) heldBack.push(op);
    else applyRemote(op);
  });

  return EditorView.updateListener.of((update) => {
    view = update.view;
    for (const transaction of update.transactions) {
      if (!transaction.docChanged || transaction.annotation(remote)) continue;
      if (update.view.composing || composing) {
        if (!composing) composing = { before: transaction.startState.doc.toString(), changes: ChangeSet.empty(transaction.startState.doc.length) };
        composing.changes = composing.changes.compose(transaction.changes);
      } else {
        const op = changesToOp(transaction.changes, transaction.startState.doc.toString());
        if (op.length) doc.submitOp(op, { source: LOCAL });
      }
    }
    if (composing && !update.view.composing) finishComposition();
  });
}
