import { session, call } from './api.js';
import { h, errorBox, announce, replace } from './dom.js';
import { libraryView } from './library.js';
import { filmView } from './film.js';
import { jobsView, jobView } from './jobs.js';
import { usageView } from './usage.js';
import { batchesView, batchView } from './batches.js';

const guid = '([0-9a-fA-F-]{36})';
const routes = [
  [/^#\/library$/, libraryView, 'Library'],
  [/^#\/film$/, filmView, 'Film'],
  [/^#\/jobs$/, jobsView, 'Jobs'],
  [new RegExp(`^#/jobs/${guid}$`), jobView, 'Job'],
  [/^#\/usage$/, usageView, 'Usage'],
  [/^#\/batches$/, batchesView, 'Batches'],
  [new RegExp(`^#/batches/${guid}$`), batchView, 'Batch'],
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let current = null;

async function render() {
  current?.abort();
  current = new AbortController();
  const signal = current.signal;
  replace(main);
  if (!session.key) {
    nav.hidden = true;
    signInView(main);
    return;
  }
  nav.hidden = false;
  const hash = location.hash || '#/film';
  const match = routes.find(([pattern]) => pattern.test(hash));
  if (!match) {
    location.replace('#/film');
    return;
  }
  const [pattern, view, title] = match;
  document.title = `${title} · Ministudio Studio`;
  for (const link of nav.querySelectorAll('a')) {
    if (hash.startsWith(link.getAttribute('href'))) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  try {
    await view(main, { signal, params: hash.match(pattern).slice(1) });
  } catch (error) {
    if (error.name !== 'AbortError') main.append(errorBox(error));
  }
  if (!signal.aborted) main.querySelector('h1')?.focus();
}

let signInMessage = null;

function signInView(container) {
  document.title = 'Sign in · Ministudio Studio';
  const key = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true });
  const status = h('div', { id: 'sign-in-status' });
  if (signInMessage) status.append(errorBox(signInMessage));
  signInMessage = null;
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'sign-in-title', novalidate: true },
    h('h1', { id: 'sign-in-title', tabindex: -1 }, 'Sign in'),
    h('p', {}, 'Use your Ministudio API key. It is kept only in this tab and sent as a bearer token to the platform.'),
    h('div', { class: 'field' }, h('label', { for: 'api-key' }, 'API key'), key),
    status, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const candidate = key.value.trim();
    replace(status);
    if (!candidate) {
      status.append(errorBox({ title: 'Enter an API key.' }));
      key.focus();
      return;
    }
    submit.disabled = true;
    try {
      // Any authenticated read proves the key; nothing is kept from a failed attempt.
      await call('/v1/jobs?limit=1', { key: candidate });
      session.signIn(candidate);
      key.value = '';
      announce('Signed in.');
      await render();
    } catch (error) {
      status.append(errorBox(error));
      key.select();
    } finally {
      submit.disabled = false;
    }
  });
  container.append(form);
  key.focus();
}

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  announce('Signed out.');
  render();
});

window.addEventListener('studio:unauthorized', (event) => {
  session.signOut();
  signInMessage = event.detail;
  render();
});
window.addEventListener('hashchange', render);
render();
