// Form plumbing shared by every form: building labelled fields, reading values, showing the
// API's errors next to the field they name, and one Idempotency-Key per submission.

import { h, randomKey, setAlert } from './dom.js';
import { fromDatetimeLocal, toDatetimeLocal } from './format.js';
import { FIELD_LABELS, SETTING_LABELS, humanize } from './labels.js';

let uid = 0;

/**
 * A labelled field as a .field block. `field` is one entry of stepfields.js (name, label, kind,
 * options, required, min, max, prompt...); `value` prefills it.
 */
export function renderField(field, { idPrefix, value } = {}) {
  const id = `${idPrefix}-${field.name}-${++uid}`;
  const hintId = field.prompt ? `${id}-hint` : null;
  const common = {
    id,
    name: field.name,
    'aria-describedby': hintId,
    'aria-required': field.required ? 'true' : null,
    'data-testid': `field-${field.name}`,
  };
  if (field.kind === 'radio') return renderRadios(field, id, value);
  if (field.kind === 'checkbox') return renderCheckbox(field, common, hintId, value);

  let control;
  if (field.kind === 'textarea') {
    control = h('textarea', { ...common, rows: 3, maxlength: field.maxlength });
    control.defaultValue = value ?? '';
  } else if (field.kind === 'select') {
    control = h(
      'select',
      common,
      field.required ? null : h('option', { value: '' }, '—'),
      field.options.map(([code, text]) => h('option', { value: code }, text)),
    );
    // defaultSelected (not just .value) so form.reset() comes back to it.
    const initial = value ?? (field.required ? field.options[0][0] : '');
    for (const option of control.options) option.defaultSelected = option.value === initial;
  } else {
    const type = { datetime: 'datetime-local', number: 'number', email: 'email', url: 'url' }[field.kind];
    control = h('input', {
      ...common,
      type: type || 'text',
      min: field.min,
      max: field.max,
      maxlength: field.maxlength,
      placeholder: field.placeholder,
      autocomplete: field.autocomplete,
      inputmode: field.kind === 'number' ? 'numeric' : null,
    });
    control.defaultValue = field.kind === 'datetime' ? toDatetimeLocal(value) : (value ?? '');
  }
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, field.label, field.required ? h('span', { class: 'required' }, ' (required)') : null),
    hintId ? h('p', { class: 'hint', id: hintId }, field.prompt) : null,
    control,
  );
}

function renderCheckbox(field, common, hintId, value) {
  const control = h('input', { ...common, type: 'checkbox' });
  // defaultChecked (not just .checked) so form.reset() comes back to it.
  control.defaultChecked = Boolean(value);
  return h(
    'div',
    { class: 'field checkbox' },
    h('label', { class: 'radio', for: common.id }, control, ` ${field.label}`),
    hintId ? h('p', { class: 'hint', id: hintId }, field.prompt) : null,
  );
}

function renderRadios(field, id, value) {
  const legendId = `${id}-legend`;
  return h(
    'fieldset',
    { class: 'field radios', 'data-field': field.name, 'aria-labelledby': legendId, 'data-testid': `field-${field.name}` },
    h('legend', { id: legendId }, field.label),
    field.options.map(([code, text], i) =>
      h(
        'label',
        { class: 'radio' },
        h('input', { type: 'radio', name: field.name, value: code, checked: value === code || (!value && i === 0 && field.required) }),
        ` ${text}`,
      ),
    ),
  );
}

/** A field's value as the API wants it, or undefined when left empty (the server's default). */
export function readField(form, field) {
  if (field.kind === 'radio') {
    const checked = form.querySelector(`input[name="${field.name}"]:checked`);
    return checked ? checked.value : undefined;
  }
  const el = form.elements.namedItem(field.name);
  if (!el) return undefined;
  if (field.kind === 'checkbox') return el.checked;
  const raw = el.value.trim();
  if (raw === '') return undefined;
  if (field.kind === 'number') return Number(raw);
  if (field.kind === 'datetime') return fromDatetimeLocal(raw) ?? raw;
  return raw;
}

/** The element an error's dotted path names: exact, then without a wrapper prefix, then its parent. */
function findTarget(form, path) {
  const find = (name) =>
    form.querySelector(`[name="${CSS.escape(name)}"]:not([type="radio"])`) ||
    form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  const parts = String(path).split('.');
  for (let start = 0; start < parts.length; start++) {
    const found = find(parts.slice(start).join('.'));
    if (found) return found;
  }
  for (let end = parts.length - 1; end > 0; end--) {
    const found = find(parts.slice(0, end).join('.'));
    if (found) return found;
  }
  return null;
}

export function clearErrors(form, alertEl) {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const kept = (el.getAttribute('aria-describedby') || '')
      .split(/\s+/)
      .filter((ref) => ref && !ref.endsWith('-error'));
    if (kept.length) el.setAttribute('aria-describedby', kept.join(' '));
    else el.removeAttribute('aria-describedby');
  }
  if (alertEl) setAlert(alertEl, '');
}

/** The words the form shows for a field: its label or legend, without "(required)". */
function labelOf(form, target, path) {
  const own = target?.matches('fieldset')
    ? target.querySelector('legend')
    : target?.id && form.querySelector(`label[for="${CSS.escape(target.id)}"]`);
  const words = own?.cloneNode(true);
  words?.querySelectorAll('.required, input').forEach((el) => el.remove());
  const text = words?.textContent.trim();
  if (text) return text;
  const last = String(path).split('.').filter((part) => !/^\d+$/.test(part)).pop();
  return SETTING_LABELS[last] || FIELD_LABELS[last] || humanize(last);
}

/**
 * Shows an ApiError: each `fields[].field` next to its input (described-by, aria-invalid), the
 * message in the form's role="alert" region, and fields with no input listed there too. The
 * API's summary names fields by their codes, so the alert names them by the form's labels.
 */
export function showErrors(form, alertEl, error) {
  clearErrors(form, alertEl);
  const unplaced = [];
  const named = [];
  let first = null;
  for (const { field, message } of error.fields || []) {
    const target = findTarget(form, field);
    if (!target) {
      unplaced.push(`${labelOf(form, null, field)}: ${message}`);
      continue;
    }
    named.push(labelOf(form, target, field));
    const errorId = `${target.id || `${form.id}-${field}`.replace(/\W/g, '-')}-error`;
    const note = h('p', { class: 'field-error', id: errorId, 'data-testid': `error-${field}` }, message);
    if (target.matches('fieldset')) target.append(note);
    else target.after(note);
    target.setAttribute('aria-invalid', 'true');
    const described = (target.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    target.setAttribute('aria-describedby', [...described, errorId].join(' '));
    first = first || target;
  }
  let message = error.message;
  if (named.length || unplaced.length) {
    const listed = named.length ? `Please check: ${[...new Set(named)].join(', ')}.` : 'Please check:';
    message = [listed, ...unplaced].join(' — ');
  }
  setAlert(alertEl, message);
  const focusable = first?.matches('fieldset') ? first.querySelector('input, textarea, select') : first;
  focusable?.focus();
}

const pendingKeys = new WeakMap();

/**
 * The Idempotency-Key for submitting this body from this form: the same body sent again after a
 * network failure or a 5xx reuses the key (so nothing is recorded twice); a new body gets a new key.
 */
export function idempotencyKeyFor(form, body) {
  const json = JSON.stringify(body);
  const pending = pendingKeys.get(form);
  if (pending && pending.json === json) return pending.key;
  const key = randomKey();
  pendingKeys.set(form, { json, key });
  return key;
}

/** Forgets the key unless the failure was one a retry of the same submission may fix. */
export function settleKey(form, error) {
  if (!error || !error.retryable) pendingKeys.delete(form);
}

/** Runs a submission with the button disabled and the form marked busy. */
export async function whileBusy(form, work) {
  const buttons = form.querySelectorAll('button[type="submit"]');
  form.setAttribute('aria-busy', 'true');
  buttons.forEach((b) => (b.disabled = true));
  try {
    return await work();
  } finally {
    form.removeAttribute('aria-busy');
    buttons.forEach((b) => (b.disabled = false));
  }
}
