// The one-click steps beside the timeline: reopen an archived or declined contact, and put off
// its next action. Each is drawn only when the contact's allowed_steps accept it now.

import { h } from './dom.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const SNOOZE_DAYS = 3;

/** `record(body, what)` logs a step; `what` is how the announcement names it. */
export function renderStepButtons(el, contact, record) {
  const allowed = new Set(contact.allowed_steps || []);
  const button = (testId, text, onclick) =>
    h('button', { type: 'button', class: 'secondary', 'data-testid': testId, onclick }, text);
  const buttons = [
    allowed.has('contact_reopened')
      ? button('reopen-contact', 'Reopen', () => record({ type: 'contact_reopened' }, 'Reopened'))
      : null,
    allowed.has('reminder_snoozed')
      ? button('snooze-action', `Snooze ${SNOOZE_DAYS} days`, () =>
          // Counted from the click, so the server sees it well inside its 1 hour–90 days window.
          record(
            { type: 'reminder_snoozed', until: new Date(Date.now() + SNOOZE_DAYS * DAY_MS).toISOString() },
            `Snoozed for ${SNOOZE_DAYS} days`,
          ),
        )
      : null,
  ];
  el.replaceChildren(...buttons.filter(Boolean));
}
