// The history page's slider: each move fetches that version's text and authors and shows them.
// Plain script (no bundle): the page works without it, the slider then needs the Show button.
(() => {
  const form = document.getElementById('history-form');
  const slider = document.getElementById('version');
  const text = document.getElementById('history-text');
  const authors = document.getElementById('history-authors');
  const label = document.getElementById('version-label');
  const made = document.getElementById('version-made');
  const restore = document.getElementById('restore-version');
  let asked = 0;

  const span = (className, content) => Object.assign(document.createElement('span'), { className, textContent: content });

  async function show(version) {
    const mine = ++asked;
    const response = await fetch(form.dataset.url.replace(/\/0\.json$/, `/${version}.json`), { credentials: "same-origin" });
    if (!response.ok || mine !== asked) return; // a later move won
    const view = await response.json();
    text.replaceChildren(...view.runs.map((run) => span(`remote-selection ${run.colour}`, run.text)));
    authors.replaceChildren(...view.authors.map((author) => Object.assign(document.createElement('li'), { className: `remote-selection ${author.colour}`, textContent: author.name })));
    label.textContent = `${view.version} of ${view.head}`;
    made.textContent = view.made;
    if (restore) restore.value = view.version;
    document.body.dataset.shownVersion = String(view.version);
  }

  slider.addEventListener('input', () => show(slider.value));
  form.addEventListener('submit', (event) => { event.preventDefault(); show(slider.value); });
  document.body.dataset.shownVersion = slider.value;
})();
