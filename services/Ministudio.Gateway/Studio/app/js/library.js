import { getJson, call, blobOf } from './api.js';
import { h, field, errorBox, announce, replace } from './dom.js';
import { showFieldErrors, clearFieldErrors } from './errors.js';
import { draft } from './draft.js';

const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);
const text = (values) => (values ?? []).join(', ');

// The form fields of each library kind: [label, path in the item, kind of value]. Fields the form does not show
// are kept as they are, so nothing written through the API is lost by an edit here.
const kinds = {
  characters: {
    title: 'Characters', one: 'character', nameOf: (item) => item.name, images: true,
    fields: [['Name', 'name'], ['Hair', 'identity.hair'], ['Eyes', 'identity.eyes'], ['Skin', 'identity.skin'],
      ['Face', 'identity.face'], ['Build', 'identity.build'], ['Traits (comma separated)', 'identity.traits', 'list'],
      ['Clothing', 'state.clothing'], ['Emotion', 'state.emotion'], ['Motion notes', 'motionNotes']],
  },
  environments: {
    title: 'Environments', one: 'environment', nameOf: (item) => item.location, images: true,
    fields: [['Location', 'location'], ['Architecture', 'architecture'], ['Fixed elements (comma separated)', 'fixedElements', 'list'],
      ['Lighting', 'lighting'], ['Weather', 'weather'], ['Time of day', 'timeOfDay'], ['Palette (#RRGGBB, comma separated)', 'palette', 'list']],
  },
  styles: {
    title: 'Styles', one: 'style', nameOf: (item) => item.name, images: false,
    fields: [['Name', 'name'], ['Traits (comma separated)', 'traits', 'list'], ['References (comma separated)', 'references', 'list'],
      ['Palette (#RRGGBB, comma separated)', 'palette', 'list'], ['Negative prompt', 'negativePrompt']],
  },
};

const read = (item, path) => path.split('.').reduce((value, key) => value?.[key], item);

function write(item, path, value) {
  const keys = path.split('.');
  let target = item;
  for (const key of keys.slice(0, -1)) target = target[key] ??= {};
  const last = keys.at(-1);
  if (value === '' || (Array.isArray(value) && value.length === 0)) delete target[last];
  else target[last] = value;
}

export async function libraryView(main, { signal }) {
  main.append(h('h1', { tabindex: -1 }, 'Library'),
    h('p', { class: 'lede' }, 'Define characters, environments and styles once; every film that names them stays consistent.'));
  for (const route of Object.keys(kinds)) {
    const section = h('section', { class: 'card', 'aria-labelledby': `${route}-title`, id: route });
    main.append(section);
    await renderKind(section, route, signal);
  }
  main.append(await packsSection(signal), await templatesSection(signal));
}

async function renderKind(section, route, signal) {
  const kind = kinds[route];
  const items = await getJson(`/v1/${route}`, { signal });
  const grid = h('ul', { class: 'tiles', 'aria-label': kind.title });
  for (const item of items) grid.append(tile(section, route, item, signal));
  if (items.length === 0) grid.append(h('li', { class: 'empty' }, `No ${route} yet.`));
  replace(section, 
    h('div', { class: 'section-head' },
      h('h2', { id: `${route}-title` }, kind.title),
      h('button', { type: 'button', onclick: () => editor(section, route, null, signal) }, `New ${kind.one}`)),
    grid);
}

function tile(section, route, stored, signal) {
  const kind = kinds[route];
  const name = kind.nameOf(stored.item) ?? stored.name;
  const thumb = h('div', { class: 'thumb', 'aria-hidden': 'true' }, name.slice(0, 1).toUpperCase());
  const first = stored.item.referenceImages?.[0];
  if (first) thumbnail(thumb, first, name, signal);
  return h('li', { class: 'tile' }, thumb,
    h('div', { class: 'tile-body' },
      h('strong', {}, name),
      h('span', { class: 'muted' }, summary(route, stored.item)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'quiet', 'aria-label': `Edit ${name}`, onclick: () => editor(section, route, stored, signal) }, 'Edit'),
        h('button', { type: 'button', class: 'quiet danger', 'aria-label': `Delete ${name}`, onclick: () => remove(section, route, stored, signal) }, 'Delete'),
        h('button', { type: 'button', class: 'quiet', 'aria-label': `Use ${name} in the film`, onclick: () => useInFilm(route, stored) }, 'Use in film'))));
}

function summary(route, item) {
  if (route === 'characters') return [item.identity?.hair, item.identity?.eyes && `${item.identity.eyes} eyes`, item.state?.clothing].filter(Boolean).join(' · ');
  if (route === 'environments') return [item.timeOfDay, item.weather, item.lighting].filter(Boolean).join(' · ');
  return (item.traits ?? []).slice(0, 3).join(' · ');
}

async function thumbnail(container, sha256, name, signal) {
  try {
    const blob = await blobOf(`/v1/images/${sha256}`, { signal });
    const url = URL.createObjectURL(blob);
    const image = h('img', { src: url, alt: `Reference image of ${name}`, loading: 'lazy' });
    image.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
    replace(container, image);
    container.removeAttribute('aria-hidden');
  } catch { /* the initial stays */ }
}

function useInFilm(route, stored) {
  draft.use(route, stored);
  announce(`${kinds[route].nameOf(stored.item)} added to the film.`);
  location.hash = '#/film';
}

async function remove(section, route, stored, signal) {
  const name = kinds[route].nameOf(stored.item);
  if (!confirm(`Delete ${name}? Films that name it will no longer compile.`)) return;
  try {
    await call(`/v1/${route}/${stored.id}`, { method: 'DELETE', signal });
    announce(`${name} deleted.`);
    await renderKind(section, route, signal);
  } catch (error) {
    section.append(errorBox(error));
  }
}

function editor(section, route, stored, signal) {
  const kind = kinds[route];
  const item = structuredClone(stored?.item ?? {});
  const inputs = kind.fields.map(([label, path, type]) => {
    const value = read(item, path);
    const input = h('input', { type: 'text', name: path, value: type === 'list' ? text(value) : value ?? '' });
    return { path, type, input, element: field(label, input, { path }) };
  });
  const images = h('ul', { class: 'images', 'aria-label': 'Reference images' });
  const status = h('div', { role: 'status' });
  const renderImages = () => {
    replace(images, ...(item.referenceImages ?? []).map((sha256, index) => {
      const holder = h('div', { class: 'thumb small' }, String(index + 1));
      thumbnail(holder, sha256, `image ${index + 1}`, signal);
      return h('li', {}, holder, h('button', {
        type: 'button', class: 'quiet danger', 'aria-label': `Remove reference image ${index + 1}`,
        onclick: () => { item.referenceImages.splice(index, 1); renderImages(); },
      }, 'Remove'));
    }));
  };
  const upload = h('input', { type: 'file', accept: 'image/png,image/jpeg,image/webp', name: 'reference-image' });
  upload.addEventListener('change', async () => {
    const file = upload.files?.[0];
    if (!file) return;
    replace(status, `Uploading ${file.name}…`);
    try {
      const response = await call('/v1/images', { method: 'POST', body: file, headers: { 'Content-Type': file.type || 'application/octet-stream' }, signal });
      const image = await response.json();
      (item.referenceImages ??= []).push(image.sha256);
      renderImages();
      replace(status, `${file.name} uploaded.`);
    } catch (error) {
      replace(status, errorBox(error));
    }
    upload.value = '';
  });
  const title = stored ? `Edit ${kind.nameOf(stored.item)}` : `New ${kind.one}`;
  const form = h('form', { class: 'editor', 'aria-label': title, novalidate: true },
    h('h3', {}, title),
    h('div', { class: 'grid' }, inputs.map((i) => i.element)),
    kind.images ? h('fieldset', { 'data-field': 'referenceImages' }, h('legend', {}, 'Reference images'), images,
      field('Upload a reference image (PNG, JPEG or WebP, at most 10 MiB)', upload)) : null,
    status,
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, stored ? 'Save' : `Create ${kind.one}`),
      h('button', { type: 'button', class: 'quiet', onclick: () => renderKind(section, route, signal) }, 'Cancel')));
  renderImages();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    for (const { path, type, input } of inputs) write(item, path, type === 'list' ? list(input.value) : input.value.trim());
    try {
      await call(stored ? `/v1/${route}/${stored.id}` : `/v1/${route}`, { method: stored ? 'PUT' : 'POST', json: item, signal });
      announce(`${kind.nameOf(item)} saved.`);
      await renderKind(section, route, signal);
      section.querySelector('h2').focus();
    } catch (error) {
      if (!showFieldErrors(form, error)) replace(status, errorBox(error));
    }
  });
  section.querySelector('.editor')?.remove();
  section.append(form);
  inputs[0].input.focus();
}

function swatch(colour) {
  const span = h('span', { title: colour });
  // CSSOM, not a style attribute: the Content-Security-Policy allows no inline styles.
  if (/^#[0-9a-fA-F]{6}$/.test(colour)) span.style.backgroundColor = colour;
  return span;
}

async function packsSection(signal) {
  const packs = await getJson('/v1/style-packs', { signal });
  return h('section', { class: 'card', 'aria-labelledby': 'packs-title' },
    h('h2', { id: 'packs-title' }, 'Built-in style packs'),
    h('ul', { class: 'tiles' }, Object.entries(packs).map(([id, pack]) => h('li', { class: 'tile' },
      h('div', { class: 'swatches', 'aria-hidden': 'true' }, (pack.palette ?? []).map(swatch)),
      h('div', { class: 'tile-body' },
        h('strong', {}, id),
        h('span', { class: 'muted' }, (pack.traits ?? []).slice(0, 3).join(' · ')),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'quiet', 'aria-label': `Use the ${id} style in the film`, onclick: () => { draft.useStylePack(id); location.hash = '#/film'; } }, 'Use in film')))))));
}

async function templatesSection(signal) {
  const templates = await getJson('/v1/templates', { signal });
  return h('section', { class: 'card', 'aria-labelledby': 'templates-title' },
    h('h2', { id: 'templates-title' }, 'Templates'),
    h('ul', { class: 'tiles' }, Object.entries(templates).map(([id, template]) => h('li', { class: 'tile' },
      h('div', { class: 'tile-body' },
        h('strong', {}, id, template.builtIn ? ' (built-in)' : h('span', { class: 'chip' }, 'yours')),
        h('span', { class: 'muted' }, template.description),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'quiet', 'aria-label': `Start a film from the ${id} template`, onclick: () => { draft.fromTemplate(id, template); location.hash = '#/film'; } }, 'Start from template')))))));
}
