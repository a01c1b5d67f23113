// Carets and selections of the others, in their colours with their names, and
// the list of who is here. Positions travel in code points.
//
// Only what was heard on the current connection is shown. ShareDB keeps the
// last value of everyone it heard from, but a page cut off from the server
// hears nobody leave: on disconnect the others are forgotten, and they come
// back as they answer the presence request the server sends for this page when
// it subscribes again. This page's own caret is sent again then too, since the
// server told the others it had gone.
import { StateEffect, StateField, RangeSetBuilder } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, WidgetType } from '@codemirror/view';
import { codePointToUtf16, utf16ToCodePoint } from './positions.js';

const setRemote = StateEffect.define();

const COLOURS = 8; // .remote-0 … .remote-7 in site.css: the page's CSP allows no inline styles

function colour(id) {
  let hash = 0;
  for (const char of String(id)) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return `remote-${Math.abs(hash) % COLOURS}`;
}

// The name shows above the caret (below it on the first line, where there is no
// room above) and fades out a few seconds after the caret last moved, so that it
// does not keep hiding the text under it; hovering the caret shows it again. The
// fade is a CSS animation: `moves` changes with every move, which makes a new
// element and so restarts it.
class CaretWidget extends WidgetType {
  constructor(name, hue, below, moves) {
    super();
    Object.assign(this, { name, hue, below, moves });
  }

  eq(other) {
    return other.name === this.name && other.hue === this.hue && other.below === this.below && other.moves === this.moves;
  }

  toDOM() {
    const caret = document.createElement('span');
    caret.className = `remote-caret ${this.hue}${this.below ? ' remote-caret-below' : ''}`;
    const label = document.createElement('span');
    label.className = 'remote-caret-name';
    label.textContent = this.name; // text, never HTML
    caret.appendChild(label);
    return caret;
  }
}

const remoteField = StateField.define({
  create: () => Decoration.none,
  update(decorations, transaction) {
    for (const effect of transaction.effects) if (effect.is(setRemote)) return effect.value;
    return decorations.map(transaction.changes);
  },
  provide: (field) => EditorView.decorations.from(field),
});

const nameOf = (value) => (value.user && value.user.name) || 'Someone';

function decorationsFor(others, state) {
  const text = state.doc.toString();
  const marks = [];
  for (const [id, { value, moves }] of others) {
    const hue = colour((value.user && value.user.id) || id);
    const start = Math.min(codePointToUtf16(text, value.start), text.length);
    const end = Math.min(codePointToUtf16(text, value.end), text.length);
    const [from, to] = start <= end ? [start, end] : [end, start];
    if (to > from) marks.push({ from, to, deco: Decoration.mark({ class: `remote-selection ${hue}` }) });
    const widget = new CaretWidget(nameOf(value), hue, state.doc.lineAt(end).number === 1, moves);
    marks.push({ from: end, to: end, deco: Decoration.widget({ widget, side: 1 }) });
  }
  marks.sort((a, b) => a.from - b.from || a.to - b.to);
  const builder = new RangeSetBuilder();
  for (const mark of marks) builder.add(mark.from, mark.to, mark.deco);
  return builder.finish();
}

// self: {name, id} of this page's user (id may be unknown: then their other tabs are listed too).
export function presenceExtension({ connection, presence, localPresence, listElement, self }) {
  let view = null;
  const others = new Map(); // presence id -> {value, moves}
  const heard = new Set(); // presence ids heard from on the current connection

  const render = () => {
    if (!view) return;
    view.dispatch({ effects: setRemote.of(decorationsFor(others, view.state)) });
    // One line per person, however many tabs they have open.
    const listed = new Set(self.id == null ? [] : [String(self.id)]);
    const names = [`${self.name} (you)`];
    for (const { value } of others.values()) {
      const id = value.user && value.user.id;
      if (id != null && listed.has(String(id))) continue;
      if (id != null) listed.add(String(id));
      names.push(nameOf(value));
    }
    listElement.replaceChildren(...names.map((name) => Object.assign(document.createElement('li'), { textContent: name })));
  };

  const sendSelection = (state) => {
    const text = state.doc.toString();
    const { anchor, head } = state.selection.main;
    localPresence.submit({ start: utf16ToCodePoint(text, anchor), end: utf16ToCodePoint(text, head) }, () => {});
  };

  const forget = () => {
    others.clear();
    heard.clear();
    render();
  };

  connection.on('receive', ({ data }) => {
    if (data && data.a === 'p' && data.ch === presence.channel && !data.error) heard.add(data.id);
  });
  presence.on('receive', (id, value) => {
    if (!heard.has(id)) return; // ShareDB moving a caret it heard of before this connection
    if (value && typeof value.start === 'number' && typeof value.end === 'number') {
      others.set(id, { value, moves: ((others.get(id) || {}).moves || 0) + 1 });
    } else {
      others.delete(id);
    }
    render();
  });
  connection.on('state', () => {
    if (connection.canSend) {
      if (view) sendSelection(view.state);
    } else {
      forget();
    }
  });

  const extension = [
    remoteField,
    ViewPlugin.define((created) => {
      view = created;
      setTimeout(render); // a view may not be updated while it is being made
      return {};
    }),
    EditorView.updateListener.of((update) => {
      if (update.selectionSet || (update.focusChanged && update.view.hasFocus)) sendSelection(update.state);
    }),
  ];
  return { extension, forget };
}
