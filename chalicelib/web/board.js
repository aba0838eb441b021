// The pipeline board: one column per status, one card (a button) per contact.

import { h } from './dom.js';
import { formatDateTime, isOverdue, isPast } from './format.js';
import { ACTION_LABELS, STATUS_LABELS, STATUSES, label } from './labels.js';

function byDueThenName(a, b) {
  const da = a.next_action?.due_at ? Date.parse(a.next_action.due_at) : Infinity;
  const db = b.next_action?.due_at ? Date.parse(b.next_action.due_at) : Infinity;
  if (da !== db) return da - db;
  return String(a.name || '').localeCompare(String(b.name || ''));
}

function card(contact, onOpen) {
  const action = contact.next_action;
  const overdue = action?.due_at && isOverdue(action.due_at);
  const where = [contact.company, contact.role].filter(Boolean).join(' · ');
  return h(
    'li',
    {},
    h(
      'button',
      {
        type: 'button',
        class: 'card',
        'data-testid': `card-${contact.contact_id}`,
        'data-contact-id': contact.contact_id,
        onclick: (event) => onOpen(contact.contact_id, event.currentTarget),
      },
      h('span', { class: 'card-name' }, contact.name || 'Unnamed contact'),
      where ? h('span', { class: 'card-company' }, where) : null,
      action
        ? h('span', { class: 'card-next' }, h('span', { class: 'muted' }, 'Next: '), label(ACTION_LABELS, action.action))
        : h('span', { class: 'card-next muted' }, 'No next action'),
      action?.due_at
        ? h(
            'span',
            { class: overdue ? 'card-due overdue' : 'card-due' },
            overdue ? 'Overdue since ' : isPast(action.due_at) ? 'Due since ' : 'Due ',
            h('time', { datetime: action.due_at }, formatDateTime(action.due_at)),
          )
        : null,
    ),
  );
}

/** Draws every column into the board element; contacts is an array of API contacts. */
export function renderBoard(boardEl, contacts, onOpen) {
  const byStatus = new Map(STATUSES.map((status) => [status, []]));
  for (const contact of contacts) {
    if (!byStatus.has(contact.status)) byStatus.set(contact.status, []);
    byStatus.get(contact.status).push(contact);
  }
  const columns = [...byStatus.entries()].map(([status, items]) => {
    const titleId = `column-title-${status}`;
    items.sort(byDueThenName);
    return h(
      'section',
      { class: `column status-${status}`, 'data-testid': `column-${status}`, 'aria-labelledby': titleId },
      h(
        'h3',
        { id: titleId, class: 'column-title' },
        label(STATUS_LABELS, status),
        ' ',
        h('span', { class: 'count', 'data-testid': `count-${status}` }, `(${items.length})`),
      ),
      items.length
        ? h('ul', { class: 'cards', role: 'list' }, items.map((c) => card(c, onOpen)))
        : h('p', { class: 'empty' }, 'Nobody here yet.'),
    );
  });
  boardEl.replaceChildren(...columns);
}
