// A contact's details and its timeline of events, oldest first, in words people use.

import { h } from './dom.js';
import { formatDateTime, timeEl } from './format.js';
import {
  ACTION_LABELS,
  EVENT_LABELS,
  FIELD_LABELS,
  STATUS_LABELS,
  VALUE_LABELS,
  humanize,
  label,
} from './labels.js';

const CODED_FIELDS = new Set(['channel', 'outcome', 'subject', 'source']);
// Bookkeeping that means nothing to the person reading the timeline.
const HIDDEN_FIELDS = new Set(['message_id']);

function safeHttpsUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function valueNode(key, value) {
  if (Array.isArray(value)) {
    return h('ol', { class: 'plain-list' }, value.map((item) => h('li', {}, String(item))));
  }
  if (value && typeof value === 'object') return details(value);
  if (key.endsWith('_at')) return timeEl(value);
  if (key.endsWith('_url') && safeHttpsUrl(value)) {
    return h('a', { href: safeHttpsUrl(value), rel: 'noopener noreferrer', target: '_blank' }, value);
  }
  if (CODED_FIELDS.has(key)) return label(VALUE_LABELS, value);
  if (key === 'action') return label(ACTION_LABELS, value);
  if (key === 'duration_minutes') return `${value} minutes`;
  return String(value);
}

/** A definition list of an event's or contact's fields, skipping the empty ones. */
function details(data) {
  const entries = Object.entries(data || {}).filter(
    ([k, v]) =>
      !HIDDEN_FIELDS.has(k) && v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0),
  );
  if (!entries.length) return null;
  return h(
    'dl',
    { class: 'details' },
    entries.map(([key, value]) => [
      h('dt', {}, FIELD_LABELS[key] || humanize(key)),
      h('dd', {}, valueNode(key, value)),
    ]),
  );
}

function eventTitle(event) {
  const base = label(EVENT_LABELS, event.type);
  const data = event.data || {};
  if (event.type === 'reply_received' && data.outcome) {
    return `${base}: ${data.outcome === 'accepted' ? 'they said yes' : 'they declined'}`;
  }
  if (event.type === 'outreach_sent' || event.type === 'follow_up_sent' || event.type === 'thank_you_sent') {
    return data.channel ? `${base} (${label(VALUE_LABELS, data.channel)})` : base;
  }
  return base;
}

export function renderTimeline(listEl, events) {
  const sorted = [...events].sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
  if (!sorted.length) {
    listEl.replaceChildren(h('li', { class: 'empty' }, 'No steps yet.'));
    return;
  }
  listEl.replaceChildren(
    ...sorted.map((event) =>
      h(
        'li',
        { class: 'event', 'data-testid': `event-${event.version}`, 'data-event-type': event.type },
        h('h4', { class: 'event-title' }, eventTitle(event)),
        h('p', { class: 'event-when' }, timeEl(event.occurred_at)),
        details(event.data),
      ),
    ),
  );
}

export function renderContact(el, contact) {
  const action = contact.next_action;
  const interview = contact.interview;
  const linkedin = contact.linkedin_url && safeHttpsUrl(contact.linkedin_url);
  const rows = [
    ['Status', h('span', { 'data-testid': 'contact-status' }, label(STATUS_LABELS, contact.status))],
    [
      'Next action',
      action
        ? h(
            'span',
            { 'data-testid': 'contact-next-action' },
            label(ACTION_LABELS, action.action),
            action.due_at ? `, due ${formatDateTime(action.due_at)}` : '',
          )
        : 'None',
    ],
    ['Company', contact.company],
    ['Role', contact.role],
    ['Email', contact.email ? h('a', { href: `mailto:${contact.email}` }, contact.email) : null],
    ['LinkedIn', linkedin ? h('a', { href: linkedin, rel: 'noopener noreferrer', target: '_blank' }, linkedin) : null],
    ['Source', contact.source ? label(VALUE_LABELS, contact.source) : null],
    ['Introduced by', contact.introduced_by],
    [
      'Interview',
      interview?.starts_at
        ? [
            timeEl(interview.starts_at),
            interview.duration_minutes ? `, ${interview.duration_minutes} minutes` : '',
            interview.location ? `, ${interview.location}` : '',
          ]
        : null,
    ],
    ['Prepared questions', contact.questions?.length ? valueNode('questions', contact.questions) : null],
    ['Follow-ups sent', contact.follow_ups_sent ? String(contact.follow_ups_sent) : null],
    ['Notes', contact.notes],
  ].filter(([, value]) => value !== null && value !== undefined && value !== '');
  el.replaceChildren(
    h('dl', { class: 'details contact-details' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
  );
}
