// Carets and selections of the others, in their colours with their names,
// and the list of who is here. Positions travel in code points.
import { StateEffect, StateField, RangeSetBuilder } from '@codemirror/state';
import { Decoration, EditorView, WidgetType } from '@codemirror/view';
import { codePointToUtf16, utf16ToCodePoint } from './positions.js';

const setRemote = StateEffect.define();

const COLOURS = 8; // .remote-0 … .remote-7 in site.css: the page's CSP allows no inline styles

function colour(id) {
  let hash = 0;
  for (const char of String(id)) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return `remote-${Math.abs(hash) % COLOURS}`;
}

class CaretWidget extends WidgetType {
  constructor(name, hue) { super(); this.name = name; this.hue = hue; }
  eq(other) { return other.name === this.name && other.hue === this.hue; }
  toDOM() {
    const caret = document.createElement('span');
    caret.className = `remote-caret ${this.hue}`;
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

function decorationsFor(presences, text) {
  const marks = [];
  for (const [id, value] of Object.entries(presences)) {
    if (!value || typeof value.start !== 'number') continue;
    const hue = colour(value.user && value.user.id || id);
    const name = (value.user && value.user.name) || 'Someone';
    const start = Math.min(codePointToUtf16(text, value.start), text.length);
    const end = Math.min(codePointToUtf16(text, value.end), text.length);
    const [from, to] = start <= end ? [start, end] : [end, start];
    if (to > from) marks.push({ from, to, deco: Decoration.mark({ class: `remote-selection ${hue}` }) });
    marks.push({ from: end, to: end, deco: Decoration.widget({ widget: new CaretWidget(name, hue), side: 1 }) });
  }
  marks.sort((a, b) => a.from - b.from || a.to - b.to);
  const builder = new RangeSetBuilder();
  for (const mark of marks) builder.add(mark.from, mark.to, mark.deco);
  return builder.finish();
}

export function presenceExtension(presence, localPresence, listElement, selfName) {
  let view = null;
  const render = () => {
    if (!view) return;
    view.dispatch({ effects: setRemote.of(decorationsFor(presence.remotePresences, view.state.doc.toString())) });
    const names = [selfName + ' (you)', ...Object.values(presence.remotePresences).filter(Boolean).map((v) => (v.user && v.user.name) || 'Someone')];
    listElement.replaceChildren(...names.map((name) => Object.assign(document.createElement('li'), { textContent: name })));
  };
  presence.on('receive', () => render());
  const sendSelection = (state) => {
    const text = state.doc.toString();
    const { anchor, head } = state.selection.main;
    localPresence.submit({ start: utf16ToCodePoint(text, anchor), end: utf16ToCodePoint(text, head) }, () => {});
  };
  return [
    remoteField,
    EditorView.updateListener.of((update) => {
      const first = view === null;
      view = update.view;
      if (first) setTimeout(render);
      if (update.selectionSet || (update.focusChanged && update.view.hasFocus)) sendSelection(update.state);
    }),
  ];
}
