// Builds elements from data without innerHTML, so nothing a user or the API wrote is ever parsed as markup.
const properties = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'open', 'muted', 'controls']);

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (properties.has(name)) element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

const svgNamespace = 'http://www.w3.org/2000/svg';

export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(svgNamespace, tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}

let nextId = 0;
export const uid = (prefix) => `${prefix}-${++nextId}`;

/** A labelled control with a place for the API's error about it (found by data-field). */
export function field(label, control, { path, hint } = {}) {
  control.id ||= uid('f');
  const error = h('p', { class: 'field-error', id: `${control.id}-error`, hidden: true });
  const hintElement = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  control.setAttribute('aria-describedby', [hintElement?.id, error.id].filter(Boolean).join(' '));
  const wrapper = h('div', { class: 'field', 'data-field': path }, h('label', { for: control.id }, label), control, hintElement, error);
  return wrapper;
}

export function announce(text) {
  const announcer = document.getElementById('announcer');
  announcer.textContent = '';
  setTimeout(() => { announcer.textContent = text; }, 50);
}

export const money = (usd) => usd === null || usd === undefined ? '—'
  : new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: usd !== 0 && Math.abs(usd) < 0.01 ? 4 : 2 }).format(usd);

export const percent = (fraction) => `${Math.round((fraction ?? 0) * 100)} %`;

export const when = (instant) => instant ? new Date(instant).toLocaleString() : '';

export function errorBox(error) {
  const box = h('div', { class: 'error', role: 'alert' },
    h('strong', {}, error.title ?? error.message ?? String(error)),
    error.code ? h('code', {}, ` ${error.code}`) : null,
    error.detail ? h('p', {}, error.detail) : null);
  return box;
}

/** Saves a blob under a file name through a temporary object URL. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** replaceChildren that skips null, false and empty strings and flattens arrays, like h(). */
export function replace(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}
