import { getJson, call, blobOf } from './api.js';
import { h, field, errorBox, percent, when, download, replace } from './dom.js';

const countNames = ['total', 'queued', 'running', 'succeeded', 'failed', 'canceled', 'invalid'];

export async function batchesView(main, { signal }) {
  const file = h('input', { type: 'file', name: 'batch-file', accept: '.jsonl,.ndjson,application/x-ndjson,application/jsonl', required: true });
  const onInvalid = h('select', { name: 'onInvalid' },
    h('option', { value: 'reject' }, 'Refuse the whole batch'),
    h('option', { value: 'skip' }, 'Skip invalid lines, run the rest'));
  const status = h('div');
  const form = h('form', { class: 'card', 'aria-labelledby': 'upload-title' },
    h('h2', { id: 'upload-title' }, 'Upload a batch'),
    h('p', { class: 'hint' }, 'JSON Lines: one film per line, as the Film editor\'s JSON view shows it.'),
    field('Batch file (.jsonl)', file), field('When a line is invalid', onInvalid), status,
    h('button', { type: 'submit' }, 'Upload batch'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(status);
    const chosen = file.files?.[0];
    if (!chosen) {
      status.append(errorBox({ title: 'Choose a .jsonl file.' }));
      return;
    }
    try {
      const response = await call(`/v1/batches?onInvalid=${onInvalid.value}`, { method: 'POST', body: chosen, headers: { 'Content-Type': 'application/x-ndjson' }, signal });
      location.hash = `#/batches/${(await response.json()).id}`;
    } catch (error) {
      status.append(errorBox(error));
      if (error.lines?.length) status.append(h('ul', { class: 'line-errors' }, error.lines.map((line) => h('li', {}, `Line ${line.line}: `,
        line.errors.map((e) => [h('code', {}, e.field), ` ${e.message} `, h('code', {}, e.code), ' '])))));
    }
  });
  const page = await getJson('/v1/batches?limit=20', { signal });
  main.append(h('h1', { tabindex: -1 }, 'Batches'), form,
    h('section', { class: 'card', 'aria-labelledby': 'batches-title' },
      h('h2', { id: 'batches-title' }, 'Your batches'),
      page.items.length === 0 ? h('p', { class: 'muted' }, 'No batches yet.') : h('ul', { class: 'plain' }, page.items.map((b) => h('li', {},
        h('a', { href: `#/batches/${b.id}` }, when(b.createdAt)), ` · ${b.status} · ${b.counts.succeeded}/${b.counts.total} done`)))));
}

export async function batchView(main, { signal, params: [id] }) {
  const counts = h('dl', { class: 'counts' });
  const progress = h('progress', { id: 'batch-progress', max: 1, value: 0 });
  const state = h('p');
  const problems = h('div');
  const cancel = h('button', { type: 'button', class: 'danger', onclick: async () => {
    try { await call(`/v1/batches/${id}:cancel`, { method: 'POST', signal }); } catch (error) { problems.append(errorBox(error)); }
  } }, 'Cancel batch');
  const results = h('button', { type: 'button', onclick: async () => {
    try { download(await blobOf(`/v1/batches/${id}/results`, { signal }), `batch-${id}-results.jsonl`); } catch (error) { problems.append(errorBox(error)); }
  } }, 'Download results (JSONL)');
  main.append(h('h1', { tabindex: -1 }, 'Batch'),
    h('section', { class: 'card', 'aria-label': 'Batch progress' }, state,
      h('div', { class: 'overall' }, h('label', { for: 'batch-progress' }, 'Progress'), progress),
      counts, problems, h('div', { class: 'actions' }, results, cancel)));
  for (;;) {
    const batch = await getJson(`/v1/batches/${id}`, { signal });
    replace(state, h('span', { class: `status status-${batch.status}` }, batch.status), ` · ${percent(batch.progress)} · created ${when(batch.createdAt)}`);
    progress.value = batch.progress;
    replace(counts, ...countNames.flatMap((name) => [h('dt', {}, name), h('dd', {}, batch.counts[name])]));
    cancel.hidden = batch.status !== 'running';
    if (batch.status !== 'running') return;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    if (signal.aborted) return;
  }
}
