// A contact's details and its timeline of events, oldest first, in words people use.
// Undone steps stay in the timeline, struck through: the history is kept, only its effect goes.

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
  if (key.endsWith('_at') || key === 'until') return timeEl(value);
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

// Steps an undo never takes back (the server's rule); an undo itself is undone by no button.
const NOT_UNDOABLE = new Set(['contact_added', 'contact_created', 'contact_erased', 'reminder_sent', 'step_retracted']);

/** Oldest first by when it happened; steps logged for the same moment in the order recorded. */
function byWhen(a, b) {
  const at = Date.parse(a.occurred_at) - Date.parse(b.occurred_at);
  return at || (a.version ?? 0) - (b.version ?? 0);
}

/** The step an undo would take back: the latest recorded (highest version) not yet undone. */
function undoable(events) {
  return events
    .filter((e) => !e.retracted && !NOT_UNDOABLE.has(e.type))
    .reduce((latest, e) => (!latest || (e.version ?? 0) > (latest.version ?? 0) ? e : latest), null);
}

function eventItem(event, undoButton) {
  return h(
    'li',
    {
      class: event.retracted ? 'event retracted' : 'event',
      'data-testid': `event-${event.version}`,
      'data-event-type': event.type,
      'data-retracted': event.retracted ? 'true' : 'false',
    },
    h(
      'h4',
      { class: 'event-title' },
      eventTitle(event),
      // The strike-through is not read aloud, so say it.
      event.retracted ? h('span', { class: 'visually-hidden' }, ' (undone)') : null,
    ),
    h('p', { class: 'event-when' }, timeEl(event.occurred_at)),
    details(event.data),
    undoButton,
  );
}

/**
 * Draws `events`; with `onUndo`, the step an undo would take back gets an "Undo" button that
 * calls onUndo(event) (the caller passes it only when the contact's allowed_steps allow it).
 */
export function renderTimeline(listEl, events, { onUndo } = {}) {
  const sorted = [...events].sort(byWhen);
  if (!sorted.length) {
    listEl.replaceChildren(h('li', { class: 'empty' }, 'No steps yet.'));
    return;
  }
  const target = onUndo ? undoable(sorted) : null;
  listEl.replaceChildren(
    ...sorted.map((event) =>
      eventItem(
        event,
        event === target
          ? h(
              'button',
              {
                type: 'button',
                class: 'secondary small',
                'data-testid': 'undo-step',
                'aria-label': `Undo “${eventTitle(event)}”`,
                onclick: () => onUndo(event),
              },
              'Undo',
            )
          : null,
      ),
    ),
  );
}

/** The notes of the latest interview_completed not undone: the contact itself does not keep them. */
function interviewNotes(events) {
  const done = (events || []).filter((e) => e.type === 'interview_completed' && !e.retracted && e.data?.notes);
  return done.length ? done.sort(byWhen)[done.length - 1].data.notes : null;
}

function researchList(research) {
  if (!research?.length) return null;
  return h(
    'ul',
    { class: 'plain-list research-list', 'data-testid': 'contact-research' },
    research.map((item) =>
      h('li', {}, h('span', { class: 'muted' }, `${label(VALUE_LABELS, item.subject)}: `), item.text),
    ),
  );
}

// The reflection's parts, with the words the reflection form asks them in.
const REFLECTION_PARTS = [
  ['career_path', 'Their career path'],
  ['obstacles', 'Obstacles they faced'],
  ['lessons', 'What you learned'],
];

function reflectionDetails(reflection) {
  const parts = REFLECTION_PARTS.filter(([key]) => reflection?.[key]);
  if (!parts.length) return null;
  return h(
    'dl',
    { class: 'details', 'data-testid': 'contact-reflection' },
    parts.map(([key, words]) => [h('dt', {}, words), h('dd', {}, reflection[key])]),
  );
}

/** The contact's summary; `events` (its timeline) supplies what the contact does not keep. */
export function renderContact(el, contact, events = []) {
  const action = contact.next_action;
  const notes = interviewNotes(events);
  const interview = contact.interview;
  const linkedin = contact.linkedin_url && safeHttpsUrl(contact.linkedin_url);
  const rows = [
    ['Status', h('span', { 'data-testid': 'contact-status' }, label(STATUS_LABELS, contact.status))],
    [
      'Next action',
      action
        ? h(
            'span',
            { 'data-testid': 'contact-next-action', 'data-due-at': action.due_at || null },
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
    ['Research', researchList(contact.research)],
    ['Prepared questions', contact.questions?.length ? valueNode('questions', contact.questions) : null],
    ['Follow-ups sent', contact.follow_ups_sent ? String(contact.follow_ups_sent) : null],
    ['Notes', contact.notes],
    ['Interview notes', notes ? h('span', { 'data-testid': 'contact-interview-notes' }, notes) : null],
    ['Reflection', reflectionDetails(contact.reflection)],
  ].filter(([, value]) => value !== null && value !== undefined && value !== '');
  el.replaceChildren(
    h('dl', { class: 'details contact-details' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
  );
}
