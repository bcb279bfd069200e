import { h, replace } from './dom.js';

/**
 * Puts each problem+json field error next to the control whose data-field names it (or the nearest enclosing
 * path: "characters[0].id" falls back to "characters[0]", then "characters"). Answers whether the error had
 * field errors; those without a place are listed at the top of the form.
 */
export function showFieldErrors(form, error, { mapField = (path) => path } = {}) {
  clearFieldErrors(form);
  if (!error.errors?.length) return false;
  const loose = [];
  let first = null;
  for (const fieldError of error.errors) {
    const target = placeOf(form, mapField(fieldError.field));
    if (!target) {
      loose.push(fieldError);
      continue;
    }
    const message = target.querySelector(':scope > .field-error') ?? target.appendChild(h('p', { class: 'field-error' }));
    message.hidden = false;
    message.append(h('span', {}, fieldError.message, ' ', h('code', {}, fieldError.code)));
    target.classList.add('invalid');
    target.querySelector('input, select, textarea')?.setAttribute('aria-invalid', 'true');
    first ??= target;
  }
  const summary = h('div', { class: 'error form-errors', role: 'alert' },
    h('strong', {}, error.title ?? 'The request is invalid.'), ' ',
    `${error.errors.length} problem${error.errors.length === 1 ? '' : 's'}; each is shown next to its field.`,
    loose.length ? h('ul', {}, loose.map((e) => h('li', {}, h('code', {}, e.field), ': ', e.message, ' ', h('code', {}, e.code)))) : null);
  form.prepend(summary);
  (first?.querySelector('input, select, textarea') ?? summary).focus?.();
  return true;
}

export function clearFieldErrors(form) {
  form.querySelectorAll('.form-errors').forEach((e) => e.remove());
  form.querySelectorAll('.invalid').forEach((e) => e.classList.remove('invalid'));
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  form.querySelectorAll('.field-error').forEach((e) => { replace(e); e.hidden = true; });
}

function placeOf(form, path) {
  for (let candidate = path; candidate; candidate = parent(candidate)) {
    const target = form.querySelector(`[data-field="${CSS.escape(candidate)}"]`);
    if (target) return target;
  }
  return null;
}

const parent = (path) => {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut > 0 ? path.slice(0, cut) : null;
};
