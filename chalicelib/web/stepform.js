// The form that logs a contact's next step, offering exactly the steps the server says it accepts.

import { announce, h } from './dom.js';
import { fromDatetimeLocal, toDatetimeLocal } from './format.js';
import { clearErrors, idempotencyKeyFor, readField, renderField, settleKey, showErrors, whileBusy } from './forms.js';
import { STATUS_LABELS, label } from './labels.js';
import { SUGGESTED_QUESTIONS, pick, stepFields } from './stepfields.js';

// Undo, reopen and snooze have their own buttons by the timeline, not a place in this form.
const BUTTON_STEPS = new Set(['step_retracted', 'contact_reopened', 'reminder_snoozed']);

// The step that carries out each next action, preselected so the usual next step is one click.
const STEP_FOR_ACTION = {
  reach_out: 'outreach_sent',
  follow_up: 'follow_up_sent',
  move_on: 'contact_archived',
  schedule_interview: 'interview_scheduled',
  prepare_questions: 'questions_prepared',
  attend_interview: 'interview_completed',
  log_interview: 'interview_completed',
  send_thank_you: 'thank_you_sent',
  connect_linkedin: 'linkedin_connected',
  reflect: 'reflection_recorded',
};

/** The steps this form offers: the contact's `allowed_steps`, in the server's order. */
export function formSteps(contact) {
  return (contact.allowed_steps || []).filter((type) => !BUTTON_STEPS.has(type));
}

function suggestedStep(contact, types) {
  const type = STEP_FOR_ACTION[contact.next_action?.action];
  return types.includes(type) ? type : types[0];
}

function questionsField(contact) {
  const existing = contact.questions || [];
  const list = h('ol', { class: 'questions-list', 'data-testid': 'questions-list' });
  const suggestionButtons = [];

  const inputs = () => [...list.querySelectorAll('input')];
  const sync = () => {
    inputs().forEach((input, i) => {
      const item = input.closest('li');
      input.name = `questions.${i}`;
      item.querySelector('label').textContent = `Question ${i + 1}`;
      item.querySelector('button').textContent = `Remove question ${i + 1}`;
    });
    const taken = new Set([...existing, ...inputs().map((i) => i.value.trim())]);
    suggestionButtons.forEach((button) => {
      button.disabled = taken.has(button.dataset.question);
    });
  };
  const addQuestion = (value = '') => {
    const id = `question-${Math.random().toString(36).slice(2)}`;
    const input = h('input', { id, type: 'text', maxlength: 500, oninput: sync });
    input.value = value;
    const remove = h('button', {
      type: 'button',
      class: 'secondary small',
      onclick: () => {
        const item = input.closest('li');
        const next = item.nextElementSibling || item.previousElementSibling;
        item.remove();
        if (!inputs().length) addQuestion();
        sync();
        (next?.querySelector('input') || inputs()[0]).focus();
      },
    });
    list.append(h('li', {}, h('label', { for: id, class: 'visually-hidden' }), input, remove));
    sync();
    return input;
  };
  const suggest = (question) => {
    const empty = inputs().find((i) => !i.value.trim());
    const input = empty || addQuestion();
    input.value = question;
    sync();
    input.focus();
    announce(`Added the question: ${question}`);
  };

  const suggestionsId = `suggestions-${Math.random().toString(36).slice(2)}`;
  const fieldset = h(
    'fieldset',
    { class: 'field questions', 'data-field': 'questions', 'data-testid': 'field-questions' },
    h('legend', {}, 'Questions to ask'),
    existing.length
      ? h('div', { class: 'hint' }, 'Already prepared:', h('ul', {}, existing.map((q) => h('li', {}, q))))
      : null,
    list,
    h('button', { type: 'button', class: 'secondary', 'data-testid': 'add-question', onclick: () => addQuestion().focus() }, 'Add a question'),
    h(
      'div',
      { class: 'suggestions', role: 'group', 'aria-labelledby': suggestionsId, 'data-testid': 'suggested-questions' },
      h('p', { id: suggestionsId, class: 'hint' }, 'Suggested by the guide (one click adds it):'),
      SUGGESTED_QUESTIONS.map((question, i) => {
        const button = h(
          'button',
          { type: 'button', class: 'suggestion', 'data-question': question, 'data-testid': `suggested-question-${i}`, onclick: () => suggest(question) },
          `+ ${question}`,
        );
        suggestionButtons.push(button);
        return button;
      }),
    ),
  );
  addQuestion();
  return {
    node: fieldset,
    // Empty rows are dropped and the rest renumbered first, so an error on "questions.2" names the
    // third input the user sees.
    read() {
      for (const input of inputs()) if (!input.value.trim() && inputs().length > 1) input.closest('li').remove();
      sync();
      return inputs().map((i) => i.value.trim()).filter(Boolean);
    },
  };
}

function stepBody(form, type, contact, readers) {
  const body = { type };
  for (const field of stepFields(type).fields) {
    if (field.kind === 'questions') {
      body.questions = readers.questions.read();
      continue;
    }
    const value = readField(form, field);
    if (field.onlyChanged) {
      const before = pick(contact, field.from) ?? undefined;
      if (value !== before && !(value === undefined && (before === undefined || before === ''))) {
        body[field.name] = value === undefined ? null : value;
      }
    } else if (value !== undefined) {
      body[field.name] = value;
    }
  }
  const at = form.elements.namedItem('at').value;
  if (at) body.at = fromDatetimeLocal(at) ?? at;
  return body;
}

/**
 * Fills `form` with the step form for `contact`. `submit(body, idempotencyKey)` sends it and
 * rejects with an ApiError, which is shown next to the fields it names.
 */
export function mountStepForm(form, alertEl, contact, submit) {
  clearErrors(form, alertEl);
  const types = formSteps(contact);
  if (!types.length) {
    form.replaceChildren(
      h('p', { class: 'hint', 'data-testid': 'no-steps' }, `No steps can be logged while the contact is ${label(STATUS_LABELS, contact.status).toLowerCase()}.`),
    );
    return;
  }
  const select = h(
    'select',
    { id: 'step-type', name: 'type', 'data-testid': 'step-type' },
    types.map((type) => h('option', { value: type }, stepFields(type).label)),
  );
  select.value = suggestedStep(contact, types);
  const hint = h('p', { class: 'hint', id: 'step-hint', 'data-testid': 'step-hint' });
  const fieldsEl = h('div', { class: 'step-fields', 'data-testid': 'step-fields' });
  const atInput = h('input', { id: 'step-at', name: 'at', type: 'datetime-local', max: toDatetimeLocal(new Date()), 'aria-describedby': 'step-at-hint' });
  const readers = {};

  const drawFields = () => {
    const step = stepFields(select.value);
    hint.textContent = step.hint || '';
    hint.hidden = !step.hint;
    const nodes = step.fields.map((field) => {
      if (field.kind === 'questions') {
        readers.questions = questionsField(contact);
        return readers.questions.node;
      }
      const value = field.from ? pick(contact, field.from) : field.value;
      return renderField(field, { idPrefix: 'step', value });
    });
    fieldsEl.replaceChildren(...nodes);
    clearErrors(form, alertEl);
  };
  select.addEventListener('change', drawFields);

  form.replaceChildren(
    h('div', { class: 'field' }, h('label', { for: 'step-type' }, 'Step'), select),
    hint,
    fieldsEl,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'step-at' }, 'When it happened'),
      h('p', { class: 'hint', id: 'step-at-hint' }, 'Leave empty for now. Your local time.'),
      atInput,
    ),
    h('button', { type: 'submit', 'data-testid': 'step-submit' }, 'Log step'),
  );
  drawFields();

  form.onsubmit = async (event) => {
    event.preventDefault();
    const body = stepBody(form, select.value, contact, readers);
    const key = idempotencyKeyFor(form, body);
    await whileBusy(form, async () => {
      try {
        clearErrors(form, alertEl);
        await submit(body, key);
        settleKey(form, null);
      } catch (error) {
        settleKey(form, error);
        if (error.status !== 401) showErrors(form, alertEl, error);
      }
    });
  };
}
