// What this page may do with the document, as the server last said: edit it,
// only read it, or nothing more (deleted, or no longer visible to this user).
// The editor's editability and the note above it follow.
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';

const NOTES = {
  revoked: 'You can no longer edit this document: your access to it was changed. You can still read it.',
  ERR_SNAPSHOT_READS_REJECTED: 'This document is no longer available to you. What you see is its last state here; nothing more can be sent.',
  ERR_DOC_WAS_DELETED: 'This document was deleted. What you see is its last state here; nothing more can be sent.',
};

const editable = (yes) => [EditorState.readOnly.of(!yes), EditorView.editable.of(yes)];

// noteElement(): the note's element, made on first use (a viewer's page has one,
// saying they can view but not edit).
export function accessControl({ canEdit, noteElement }) {
  const compartment = new Compartment();
  let view = null;
  let edit = canEdit;
  let gone = null; // the error code saying why the document is gone: ERR_DOC_WAS_DELETED or ERR_SNAPSHOT_READS_REJECTED

  const show = (note) => {
    const element = noteElement();
    element.textContent = note ? NOTES[note] : '';
    element.hidden = !note;
  };
  const apply = () => {
    if (view) view.dispatch({ effects: compartment.reconfigure(editable(edit && !gone)) });
  };

  return {
    extension: () => compartment.of(editable(edit && !gone)),
    attach(created) {
      view = created;
    },
    // The server's `rights` message: {view, edit}.
    rights(rights) {
      if (gone || !rights.view) return; // losing the view comes as an error on the document: see lose()
      if (rights.edit !== edit) show(rights.edit ? null : 'revoked');
      edit = rights.edit;
      apply();
    },
    lose(code) {
      if (gone) return;
      gone = code;
      show(code);
      apply();
    },
    gone: () => gone,
  };
}
