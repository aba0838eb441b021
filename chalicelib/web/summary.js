// The dashboard's summary: due actions, upcoming interviews and the outreach funnel.

import { h, s } from './dom.js';
import { formatDateTime, isOverdue, isPast, percent } from './format.js';
import { ACTION_LABELS, label } from './labels.js';

function contactLink(item, onOpen) {
  return h(
    'button',
    {
      type: 'button',
      class: 'link',
      'data-contact-id': item.contact_id,
      onclick: (event) => onOpen(item.contact_id, event.currentTarget),
    },
    item.name || 'Unnamed contact',
  );
}

export function renderDueActions(listEl, dueActions, onOpen) {
  const items = [...(dueActions || [])].sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at));
  if (!items.length) {
    listEl.replaceChildren(h('li', { class: 'empty' }, 'Nothing due. Nice work.'));
    return;
  }
  listEl.replaceChildren(
    ...items.map((item) => {
      const overdue = isOverdue(item.due_at);
      return h(
        'li',
        { 'data-testid': `due-${item.contact_id}`, class: overdue ? 'overdue' : null },
        h('span', { class: 'due-action' }, label(ACTION_LABELS, item.action)),
        ' — ',
        contactLink(item, onOpen),
        h(
          'span',
          { class: 'due-when' },
          overdue ? 'overdue since ' : isPast(item.due_at) ? 'due since ' : 'due ',
          h('time', { datetime: item.due_at }, formatDateTime(item.due_at)),
        ),
      );
    }),
  );
}

export function renderUpcoming(listEl, interviews, onOpen) {
  const items = [...(interviews || [])].sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
  if (!items.length) {
    listEl.replaceChildren(h('li', { class: 'empty' }, 'No interviews scheduled.'));
    return;
  }
  listEl.replaceChildren(
    ...items.map((item) =>
      h(
        'li',
        { 'data-testid': `interview-${item.contact_id}` },
        h('time', { datetime: item.starts_at, class: 'interview-when' }, formatDateTime(item.starts_at)),
        ' ',
        contactLink(item, onOpen),
      ),
    ),
  );
}

const BAR_X = 112;
const BAR_MAX = 190;
const ROW = 34;

/** The funnel as an SVG bar chart whose numbers are also text, plus the reply rate. */
export function renderFunnel(containerEl, funnel) {
  const data = funnel || {};
  const rows = [
    ['Reached out', data.reached_out || 0],
    ['Replied', data.replied || 0],
    ['Interviewed', data.interviewed || 0],
  ];
  const max = Math.max(1, ...rows.map(([, n]) => n));
  const height = rows.length * ROW + 8;
  const summary = rows.map(([name, n]) => `${name}: ${n}`).join(', ');
  const chart = s(
    'svg',
    {
      viewBox: `0 0 360 ${height}`,
      role: 'img',
      'aria-labelledby': 'funnel-svg-title funnel-svg-desc',
      class: 'funnel-chart',
      'data-testid': 'funnel-chart',
    },
    s('title', { id: 'funnel-svg-title' }, 'Outreach funnel'),
    s('desc', { id: 'funnel-svg-desc' }, `${summary}. Reply rate ${percent(data.reply_rate)}.`),
    rows.map(([name, n], i) => {
      const y = 4 + i * ROW;
      const width = n === 0 ? 2 : Math.max(4, Math.round((n / max) * BAR_MAX));
      return s(
        'g',
        { 'data-testid': `funnel-${name.toLowerCase().replace(' ', '-')}` },
        s('text', { x: 0, y: y + 19, class: 'funnel-label' }, name),
        s('rect', { x: BAR_X, y, width, height: 26, rx: 3, class: `funnel-bar bar-${i}` }),
        s('text', { x: BAR_X + width + 6, y: y + 19, class: 'funnel-value' }, String(n)),
      );
    }),
  );
  containerEl.replaceChildren(
    chart,
    h(
      'p',
      { class: 'reply-rate', 'data-testid': 'reply-rate' },
      'Reply rate: ',
      h('strong', {}, percent(data.reply_rate)),
      data.reached_out ? ` (${data.replied || 0} of ${data.reached_out} replied)` : '',
    ),
  );
}
