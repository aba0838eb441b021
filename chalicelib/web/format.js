// Times arrive from the API in UTC; people read them in their own timezone.
import { h } from './dom.js';

const dateTime = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});

/** "Thu, Dec 3, 9:00 AM" in the browser's timezone, or '' for no value. */
export function formatDateTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : dateTime.format(date);
}

/** A <time> element carrying the machine-readable value and a local, readable text. */
export function timeEl(iso, attrs = {}) {
  return h('time', { datetime: iso, ...attrs }, formatDateTime(iso));
}

export function isPast(iso, now = new Date()) {
  return Boolean(iso) && new Date(iso).getTime() < now.getTime();
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Late by more than a day: a step that fell due this morning is due, not yet overdue. */
export function isOverdue(iso, now = new Date()) {
  return Boolean(iso) && now.getTime() - new Date(iso).getTime() > DAY_MS;
}

function pad(n) {
  return String(n).padStart(2, '0');
}

/** The value a datetime-local input shows for an instant, in local time. */
export function toDatetimeLocal(isoOrDate) {
  if (!isoOrDate) return '';
  const d = new Date(isoOrDate);
  if (Number.isNaN(d.getTime())) return '';
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}`
  );
}

/**
 * A datetime-local value ("2026-12-04T15:00", local wall time) as an ISO instant in UTC.
 * The Date constructor reads a date-time without an offset as local time, which is what the
 * input means; toISOString then gives the UTC form with its "Z" offset.
 */
export function fromDatetimeLocal(value) {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function percent(ratio) {
  if (ratio === null || ratio === undefined || Number.isNaN(Number(ratio))) return '—';
  return `${Math.round(Number(ratio) * 100)}%`;
}
