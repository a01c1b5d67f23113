// CodeMirror counts UTF-16 code units; text-unicode (and the server) count
// Unicode code points. Everything crossing that edge goes through here.

const isHighSurrogate = (code) => code >= 0xd800 && code <= 0xdbff;

// Number of code points in text[from, to) (UTF-16 offsets).
export function codePointLength(text, from = 0, to = text.length) {
  let count = 0;
  for (let i = from; i < to; i++) {
    if (isHighSurrogate(text.charCodeAt(i)) && i + 1 < to) i++;
    count++;
  }
  return count;
}

// UTF-16 offset reached by moving `points` code points forward from `from`.
export function advanceCodePoints(text, from, points) {
  let offset = from;
  for (let n = 0; n < points && offset < text.length; n++) {
    offset += isHighSurrogate(text.charCodeAt(offset)) && offset + 1 < text.length ? 2 : 1;
  }
  return offset;
}

export const utf16ToCodePoint = (text, offset) => codePointLength(text, 0, offset);
export const codePointToUtf16 = (text, position) => advanceCodePoints(text, 0, position);

// A CodeMirror ChangeSet, applied to `before`, as a text-unicode op.
export function changesToOp(changes, before) {
  const op = [];
  let last = 0;
  const push = (component) => {
    const previous = op[op.length - 1];
    if (typeof component === 'number' && typeof previous === 'number') op[op.length - 1] += component;
    else if (typeof component === 'string' && typeof previous === 'string') op[op.length - 1] += component;
    else if (typeof component === 'object' && typeof previous === 'object') previous.d += component.d;
    else op.push(component);
  };
  changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
    if (fromA > last) push(codePointLength(before, last, fromA));
    if (toA > fromA) push({ d: codePointLength(before, fromA, toA) });
    const text = inserted.toString();
    if (text) push(text);
    last = toA;
  });
  if (typeof op[op.length - 1] === 'number') op.pop();
  return op;
}

// A text-unicode op as CodeMirror change specs against `text` (UTF-16 offsets).
export function opToChanges(op, text) {
  const changes = [];
  let offset = 0;
  for (const component of op) {
    if (typeof component === 'number') {
      offset = advanceCodePoints(text, offset, component);
    } else if (typeof component === 'string') {
      changes.push({ from: offset, insert: component });
    } else {
      const length = typeof component.d === 'number' ? component.d : codePointLength(component.d);
      const to = advanceCodePoints(text, offset, length);
      changes.push({ from: offset, to });
      offset = to;
    }
  }
  return changes;
}
