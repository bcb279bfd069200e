import { getJson, postJson, call } from './api.js';
import { h, field, errorBox, announce, money, uid, replace } from './dom.js';
import { showFieldErrors, clearFieldErrors } from './errors.js';
import { draft, blankFilm } from './draft.js';

/** The flat shot index the API's errors use ("shots[3].action") for shot j of scene s. */
const flatIndex = (film, scene, shot) => film.scenes.slice(0, scene).reduce((n, s) => n + (s.shots?.length ?? 0), 0) + shot;

export async function filmView(main, { signal }) {
  const [characters, environments, styles, packs, templates, choices, options] = await Promise.all(
    ['/v1/characters', '/v1/environments', '/v1/styles', '/v1/style-packs', '/v1/templates', '/v1/providers', '/v1/film-options'].map((path) => getJson(path, { signal })));
  // What a film may name as its provider comes from the vendor catalogue (chains first), its shot types, camera moves,
  // aspect ratios and limits from the prompt service's catalogues (/v1/film-options): never from lists kept here.
  const providers = [...choices.chains, ...choices.vendors];
  const { aspectRatios: aspects, shotTypes, cameraMoves: cameras, limits } = options;
  let film = normalise(draft.film);
  const form = h('form', { class: 'film-form', 'aria-labelledby': 'film-title', novalidate: true });
  const json = h('textarea', { id: 'film-json', class: 'json', spellcheck: 'false', rows: 24 });
  const jsonStatus = h('p', { class: 'hint', id: 'film-json-status', role: 'status' });
  const preview = h('section', { class: 'card', id: 'preview', 'aria-labelledby': 'preview-title', hidden: true });
  const feedback = h('div', { id: 'film-feedback' });

  const save = () => {
    draft.film = film;
    json.value = JSON.stringify(film, null, 2);
    jsonStatus.textContent = 'In sync with the form.';
  };
  const change = (mutate, rerender = false) => {
    mutate(film);
    save();
    if (rerender) renderForm();
  };

  function renderForm() {
    replace(form, ...(film.template ? templateFields() : filmFields()));
  }

  function templateFields() {
    const template = templates[film.template];
    return [
      h('p', {}, `From the ${film.template} template: `, template?.description ?? ''),
      Object.entries(template?.fields ?? {}).map(([name, description]) => {
        const input = h('input', { type: 'text', name, value: film.values?.[name] ?? '', oninput: (e) => change((f) => { (f.values ??= {})[name] = e.target.value; }) });
        return field(name, input, { path: `values.${name}`, hint: description });
      }),
      h('button', { type: 'button', class: 'quiet', onclick: () => { film = blankFilm(); save(); renderForm(); } }, 'Start a blank film instead'),
    ];
  }

  function filmFields() {
    const select = (name, options, value, onchange) => h('select', { name, onchange },
      options.map(([optionValue, label]) => h('option', { value: optionValue, selected: optionValue === value }, label)));
    const styleValue = film.style?.id ?? '';
    const styleOptions = [['', 'None'], ...Object.keys(packs).map((id) => [id, `${id} (built-in)`]), ...styles.map((s) => [s.id, s.name])];
    if (styleValue && !styleOptions.some(([v]) => v === styleValue)) styleOptions.push([styleValue, styleValue]);
    const chosen = new Set((film.characters ?? []).map((c) => c.id));
    return [
      h('div', { class: 'grid' },
        field('Title', h('input', { type: 'text', name: 'title', value: film.title ?? '', oninput: (e) => change((f) => { f.title = e.target.value; }) }), { path: 'title' }),
        field('Aspect ratio', select('aspectRatio', aspects.map((a) => [a, a]), film.aspectRatio, (e) => change((f) => { f.aspectRatio = e.target.value; })), { path: 'aspectRatio' }),
        field('Provider', h('input', { type: 'text', name: 'provider', list: 'providers', value: film.provider ?? '', oninput: (e) => change((f) => { f.provider = e.target.value || undefined; }) }),
          { path: 'provider', hint: `A vendor or a chain (${choices.chains.join(', ')}).` }),
        field('Style', select('style', styleOptions, styleValue, (e) => change((f) => { if (e.target.value) f.style = { id: e.target.value }; else delete f.style; })), { path: 'style' })),
      h('datalist', { id: 'providers' }, providers.map((p) => h('option', { value: p }))),
      h('fieldset', { 'data-field': 'characters' }, h('legend', {}, 'Characters'),
        characters.length === 0 ? h('p', { class: 'muted' }, 'No characters yet: create them in the ', h('a', { href: '#/library' }, 'library'), '.') : null,
        h('div', { class: 'checks' }, characters.map((c) => {
          const id = uid('character');
          return h('span', { class: 'check' },
            h('input', { type: 'checkbox', id, checked: chosen.has(c.id), onchange: (e) => change((f) => {
              f.characters = (f.characters ?? []).filter((x) => x.id !== c.id);
              if (e.target.checked) f.characters.push({ id: c.id });
            }) }),
            h('label', { for: id }, c.name));
        })),
        h('p', { class: 'field-error', hidden: true })),
      h('div', { 'data-field': 'shots' }, h('p', { class: 'field-error', hidden: true })),
      film.scenes.map((scene, s) => sceneFieldset(scene, s)),
      h('button', { type: 'button', onclick: () => change((f) => f.scenes.push({ shots: [newShot()] }), true) }, 'Add scene'),
    ];
  }

  function sceneFieldset(scene, s) {
    const scenes = film.scenes.length;
    const environmentOptions = [['', 'The film\'s environment'], ...environments.map((e) => [e.id, e.name])];
    const environmentId = scene.environment?.id ?? '';
    return h('fieldset', { class: 'scene', 'data-field': `scenes[${s}]` },
      h('legend', {}, `Scene ${s + 1}`),
      h('div', { class: 'row' },
        field(`Environment of scene ${s + 1}`, h('select', { name: `scene-${s}-environment`, onchange: (e) => change((f) => {
          if (e.target.value) f.scenes[s].environment = { id: e.target.value }; else delete f.scenes[s].environment;
        }) }, environmentOptions.map(([value, label]) => h('option', { value, selected: value === environmentId }, label))), { path: `scenes[${s}].environment` }),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'quiet', disabled: s === 0, 'aria-label': `Move scene ${s + 1} up`, onclick: () => change((f) => swap(f.scenes, s, s - 1), true) }, '↑'),
          h('button', { type: 'button', class: 'quiet', disabled: s === scenes - 1, 'aria-label': `Move scene ${s + 1} down`, onclick: () => change((f) => swap(f.scenes, s, s + 1), true) }, '↓'),
          h('button', { type: 'button', class: 'quiet danger', disabled: scenes === 1, 'aria-label': `Remove scene ${s + 1}`, onclick: () => change((f) => f.scenes.splice(s, 1), true) }, 'Remove scene'))),
      h('ol', { class: 'shots' }, (scene.shots ?? []).map((shot, j) => shotItem(shot, s, j))),
      h('button', { type: 'button', 'aria-label': `Add a shot to scene ${s + 1}`, onclick: () => change((f) => (f.scenes[s].shots ??= []).push(newShot()), true) }, 'Add shot'));
  }

  function shotItem(shot, s, j) {
    const n = flatIndex(film, s, j);
    const label = `Shot ${n + 1}`;
    const count = film.scenes[s].shots.length;
    const set = (key, parse = (v) => v) => (e) => change((f) => {
      const value = parse(e.target.value);
      if (value === '' || value === undefined) delete f.scenes[s].shots[j][key]; else f.scenes[s].shots[j][key] = value;
    });
    return h('li', { class: 'shot', 'data-field': `shots[${n}]` },
      h('div', { class: 'row' }, h('h3', {}, label),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'quiet', disabled: j === 0, 'aria-label': `Move ${label.toLowerCase()} up`, onclick: () => change((f) => swap(f.scenes[s].shots, j, j - 1), true) }, '↑'),
          h('button', { type: 'button', class: 'quiet', disabled: j === count - 1, 'aria-label': `Move ${label.toLowerCase()} down`, onclick: () => change((f) => swap(f.scenes[s].shots, j, j + 1), true) }, '↓'),
          h('button', { type: 'button', class: 'quiet danger', 'aria-label': `Remove ${label.toLowerCase()}`, onclick: () => change((f) => f.scenes[s].shots.splice(j, 1), true) }, 'Remove'))),
      field(`Action of ${label.toLowerCase()}`, h('textarea', { name: `shot-${n}-action`, rows: 2, value: shot.action ?? '', oninput: set('action') }), { path: `shots[${n}].action` }),
      h('div', { class: 'grid' },
        field('Seconds', h('input', { type: 'number', name: `shot-${n}-duration`, min: limits.minShotSeconds, max: limits.maxShotSeconds, step: 0.5, value: shot.durationSeconds ?? '', oninput: set('durationSeconds', (v) => v === '' ? undefined : Number(v)) }), { path: `shots[${n}].durationSeconds` }),
        field('Shot type', h('select', { name: `shot-${n}-type`, onchange: set('shotType') }, shotTypes.map((t) => h('option', { value: t, selected: t === shot.shotType }, t))), { path: `shots[${n}].shotType` }),
        field('Camera', h('select', { name: `shot-${n}-camera`, onchange: set('camera') }, cameras.map((c) => h('option', { value: c, selected: c === shot.camera }, c))), { path: `shots[${n}].camera` }),
        field('Narration', h('input', { type: 'text', name: `shot-${n}-narration`, value: shot.narration ?? '', oninput: set('narration') }), { path: `shots[${n}].narration` })));
  }

  json.addEventListener('input', () => {
    try {
      const parsed = JSON.parse(json.value);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('The film is a JSON object.');
      film = normalise(parsed);
      draft.film = film;
      jsonStatus.textContent = 'In sync with the form.';
      json.removeAttribute('aria-invalid');
      renderForm();
    } catch (error) {
      jsonStatus.textContent = `Not applied to the form: ${error.message}`;
      json.setAttribute('aria-invalid', 'true');
    }
  });

  const compileButton = h('button', { type: 'button', id: 'compile', onclick: () => compile() }, 'Preview compile');
  const renderButton = h('button', { type: 'button', id: 'render', class: 'primary', onclick: () => submit() }, 'Render');

  async function compile() {
    clearFieldErrors(form);
    replace(feedback);
    compileButton.disabled = true;
    try {
      const compiled = await postJson('/v1/films:compile', film, { signal });
      await showPreview(preview, compiled, signal);
      announce(`Compiled ${compiled.shots.length} shots.`);
      preview.querySelector('h2').focus();
    } catch (error) {
      if (error.name === 'AbortError') return;
      if (!showFieldErrors(form, error)) feedback.append(errorBox(error));
    } finally {
      compileButton.disabled = false;
    }
  }

  let submission = null;

  async function submit() {
    clearFieldErrors(form);
    replace(feedback);
    renderButton.disabled = true;
    try {
      // A retry of the same film after a lost answer reuses its Idempotency-Key, so it renders once.
      const body = JSON.stringify(film);
      if (submission?.body !== body) submission = { body, key: `studio-${randomHex(16)}` };
      const response = await call('/v1/films', { method: 'POST', body, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': submission.key }, signal });
      const job = await response.json();
      submission = null;
      location.hash = `#/jobs/${job.id}`;
    } catch (error) {
      if (error.name === 'AbortError') return;
      if (!showFieldErrors(form, error)) feedback.append(errorBox(error));
    } finally {
      renderButton.disabled = false;
    }
  }

  save();
  renderForm();
  main.append(
    h('h1', { id: 'film-title', tabindex: -1 }, 'Film'),
    h('div', { class: 'split' },
      h('section', { class: 'card', 'aria-label': 'Film form' }, form,
        h('div', { class: 'actions sticky' }, compileButton, renderButton,
          h('button', { type: 'button', class: 'quiet', onclick: () => { if (confirm('Discard this film and start a blank one?')) { film = blankFilm(); save(); renderForm(); preview.hidden = true; } } }, 'New film')),
        feedback),
      h('section', { class: 'card', 'aria-labelledby': 'json-title' },
        h('h2', { id: 'json-title' }, h('label', { for: 'film-json' }, 'JSON')),
        h('p', { class: 'hint' }, 'The request body, as the API takes it. Edit either side; the other follows.'),
        json, jsonStatus)),
    preview);
}

// getRandomValues, unlike randomUUID, works on plain-HTTP deployments too (no secure context needed).
const randomHex = (bytes) => [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');

const newShot = () => ({ action: '', durationSeconds: 3, shotType: 'MS', camera: 'static' });

function swap(list, a, b) {
  [list[a], list[b]] = [list[b], list[a]];
}

/** The form edits scenes; a film written with a flat shot list becomes one scene (same meaning). */
function normalise(film) {
  if (film.template) return film;
  if (!film.scenes) {
    film.scenes = [{ shots: film.shots ?? [] }];
    delete film.shots;
  }
  return film;
}

async function showPreview(section, compiled, signal) {
  let estimate = null;
  let estimateError = null;
  try {
    estimate = await postJson('/v1/estimates', { shots: compiled.shots.map((s) => ({ index: s.index, request: s.request })) }, { signal });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    estimateError = error;
  }
  const byIndex = new Map((estimate?.shots ?? []).map((e) => [e.index, e]));
  const warnings = compiled.warnings ?? [];
  section.hidden = false;
  replace(section, 
    h('h2', { id: 'preview-title', tabindex: -1 }, 'Compile preview'),
    h('p', { class: 'lede' }, 'What each provider would receive. Nothing has been spent.'),
    estimateError ? errorBox(estimateError) : h('p', { class: 'total' },
      'Estimated total: ', h('strong', { id: 'estimate-total' }, money(estimate.totalUsd)),
      estimate.complete ? '' : ' (some shots cannot be priced; see below)'),
    warnings.length ? h('div', { class: 'warnings', role: 'note' }, h('h3', {}, 'Vendor warnings'),
      h('ul', {}, warnings.map((w) => h('li', {}, `Shot ${w.shot + 1}: `, w.message, ' ', h('code', {}, w.code))))) : null,
    h('ol', { class: 'compiled' }, compiled.shots.map((shot) => {
      const cost = byIndex.get(shot.index);
      return h('li', { class: 'compiled-shot' },
        h('div', { class: 'row' },
          h('h3', {}, `Shot ${shot.index + 1}`),
          h('span', { class: 'chips' },
            h('span', { class: 'chip' }, `chain ${shot.chain + 1}`),
            h('span', { class: 'chip' }, `${shot.request.durationSeconds} s`),
            h('span', { class: 'chip' }, `${shot.request.width}×${shot.request.height}`),
            h('span', { class: 'chip' }, cost?.vendor ? `${cost.vendor} · ${cost.model}` : shot.request.provider),
            h('span', { class: 'chip cost' }, cost?.usd !== undefined && cost?.usd !== null ? money(cost.usd) : 'not priced'))),
        cost?.code ? h('p', { class: 'field-error' }, cost.reason, ' ', h('code', {}, cost.code)) : null,
        h('pre', { class: 'prompt', tabindex: 0, 'aria-label': `Prompt of shot ${shot.index + 1}` }, shot.prompt));
    })));
}
