// The Cohort view's invite form: addresses pasted as they come (a class list, one per line, or
// separated by commas, semicolons or spaces, "Name <address>" too), a role for admins, and
// POST /tenant/invites with the API's refusals shown next to the field they name.

import { announce, h, setAlert } from './dom.js';
import { clearErrors, idempotencyKeyFor, settleKey, showErrors, whileBusy } from './forms.js';

export const MAX_INVITES = 200;

const ROLE_OPTIONS = [
  ['student', 'Student: keeps their own interviews'],
  ['coach', 'Coach: also sees the cohort and invites students'],
  ['admin', 'Admin: also invites coaches and admins, and removes members'],
];

// "Ada Park <ada@example.com>", as mail clients and class lists write an address with a name.
const BRACKETED = /<[^<>]*>/;
// With names about, the addresses: those in brackets, and bare words with an @.
const IN_NAMED_LIST = /<([^<>]*)>|([^\s,;<>]*@[^\s,;<>]*)/g;

/**
 * The addresses in pasted text, in order, each once (compared without regard to case):
 * separated by lines, commas, semicolons or spaces. When some are written with names
 * ("Park, Ada <ada@…>"), the words outside brackets without an @ are the names; otherwise
 * every word is kept, even one that is not an address, so the API can say which is wrong.
 */
export function parseAddresses(text) {
  const raw = String(text || '');
  const pieces = BRACKETED.test(raw)
    ? [...raw.matchAll(IN_NAMED_LIST)].map((m) => m[1] ?? m[2])
    : raw.split(/[\s,;]+/);
  const seen = new Set();
  const addresses = [];
  for (const piece of pieces) {
    const address = piece.trim().replace(/^["'(]+|["')]+$/g, '');
    const key = address.toLowerCase();
    if (!address || seen.has(key)) continue;
    seen.add(key);
    addresses.push(address);
  }
  return addresses;
}

function countText(n) {
  if (n === 0) return 'No address yet.';
  if (n > MAX_INVITES) return `${n} addresses: at most ${MAX_INVITES} at a time.`;
  return `${n} ${n === 1 ? 'address' : 'addresses'} to invite.`;
}

/** The API names an address by its place in the list ("emails.3"): name it by the address. */
function withAddresses(error, addresses) {
  const fields = (error.fields || []).map((problem) => {
    const match = /^emails\.(\d+)$/.exec(problem.field || '');
    const address = match ? addresses[Number(match[1])] : undefined;
    return address ? { ...problem, message: `${address}: ${problem.message}` } : problem;
  });
  return { status: error.status, message: error.message, fields };
}

/**
 * Fills `form` with the invite form. `isAdmin` shows the role select (coaches invite students
 * only); `onInvited(invites)` runs after the API accepted the invitations.
 */
export function mountInviteForm(form, alertEl, { api, isAdmin, onInvited, noticeEl }) {
  const textarea = h('textarea', {
    id: 'invite-emails',
    name: 'emails',
    rows: 5,
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-describedby': 'invite-emails-hint invite-count',
    'data-testid': 'invite-emails',
  });
  const count = h('p', { class: 'hint', id: 'invite-count', 'data-testid': 'invite-count' }, countText(0));
  textarea.addEventListener('input', () => {
    count.textContent = countText(parseAddresses(textarea.value).length);
  });
  const role = isAdmin
    ? h(
        'div',
        { class: 'field' },
        h('label', { for: 'invite-role' }, 'Role'),
        h(
          'select',
          { id: 'invite-role', name: 'role', 'data-testid': 'invite-role' },
          ROLE_OPTIONS.map(([code, text]) => h('option', { value: code }, text)),
        ),
      )
    : h('p', { class: 'hint', 'data-testid': 'invite-role-note' }, 'You invite students. An admin can invite coaches and admins.');
  form.replaceChildren(
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'invite-emails' }, 'Email addresses'),
      h(
        'p',
        { class: 'hint', id: 'invite-emails-hint' },
        `One per line, or separated by commas or spaces: paste a class list. Up to ${MAX_INVITES} at a time. Each person gets an email with a link that works for 14 days; inviting someone again sends a new link and the old one stops working.`,
      ),
      textarea,
      count,
    ),
    role,
    h('button', { type: 'submit', 'data-testid': 'invite-submit' }, 'Send invitations'),
  );

  form.onsubmit = async (event) => {
    event.preventDefault();
    setAlert(noticeEl, '');
    const emails = parseAddresses(textarea.value);
    const chosenRole = isAdmin ? form.elements.namedItem('role').value : 'student';
    if (emails.length === 0 || emails.length > MAX_INVITES) {
      const message =
        emails.length === 0
          ? 'Enter at least one email address.'
          : `At most ${MAX_INVITES} addresses at a time: this list has ${emails.length}.`;
      showErrors(form, alertEl, { message: 'Please check the addresses.', fields: [{ field: 'emails', message }] });
      return;
    }
    const body = { emails, role: chosenRole };
    const key = idempotencyKeyFor(form, body);
    await whileBusy(form, async () => {
      try {
        clearErrors(form, alertEl);
        const result = await api.invite(emails, chosenRole, { idempotencyKey: key });
        settleKey(form, null);
        const sent = result.invites || [];
        textarea.value = '';
        count.textContent = countText(0);
        const message = `Sent ${sent.length} ${sent.length === 1 ? 'invitation' : 'invitations'}: ${sent
          .map((invite) => invite.email)
          .join(', ')}. Each link works for 14 days.`;
        setAlert(noticeEl, message);
        announce(message);
        onInvited?.(sent);
      } catch (error) {
        settleKey(form, error);
        if (error.status !== 401) showErrors(form, alertEl, withAddresses(error, emails));
      }
    });
  };
}
