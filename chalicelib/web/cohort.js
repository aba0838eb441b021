// The Cohort dialog, for coaches and admins: the tenant's members (each one's pipeline only if
// they share), pending invitations with revoke, the invite form, and the due actions of the
// members who share (GET /tenant/members, /tenant/invites, /tenant/dashboard).

import { announce, byTestId, h, setAlert } from './dom.js';
import { formatDateTime, timeEl } from './format.js';
import { mountInviteForm } from './inviteform.js';
import { ACTION_LABELS, STATUSES, STATUS_LABELS, label } from './labels.js';

const ROLE_NAMES = { student: 'Student', coach: 'Coach', admin: 'Admin' };

/** The member's highest role: everyone is a student, some are coaches or admins too. */
function roleText(roles) {
  const held = new Set(roles || []);
  const top = ['admin', 'coach', 'student'].find((role) => held.has(role));
  return ROLE_NAMES[top] || [...held].join(', ') || ROLE_NAMES.student;
}

/** "Identified 2 · Reaching out 1", the statuses with someone in them, in pipeline order. */
function countsText(counts) {
  const parts = STATUSES.filter((status) => counts?.[status]).map(
    (status) => `${STATUS_LABELS[status]} ${counts[status]}`,
  );
  return parts.length ? parts.join(' · ') : 'No contacts yet';
}

function table(testId, caption, headings, rows) {
  return h(
    'table',
    { class: 'report-table', 'data-testid': testId },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, headings.map((text) => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, rows),
  );
}

/** Wires the cohort <dialog>. `claims()` gives the signed-in user's claims, `roles()` their roles. */
export function createCohortDialog({ api, dialog, claims, roles }) {
  const title = dialog.querySelector('#cohort-title');
  const alertEl = byTestId('cohort-alert', dialog);
  const noticeEl = byTestId('cohort-notice', dialog);
  const membersEl = byTestId('cohort-members', dialog);
  const invitesEl = byTestId('cohort-invites', dialog);
  const dueEl = byTestId('cohort-due', dialog);
  const countsEl = byTestId('cohort-counts', dialog);
  const form = byTestId('invite-form', dialog);
  const formAlert = byTestId('invite-alert', dialog);
  const formDone = byTestId('invite-done', dialog);
  let opener = null;
  let loadId = 0;
  let emails = new Map();

  function said(message) {
    setAlert(noticeEl, message);
    announce(message);
  }

  function failed(error) {
    if (error.status !== 401) setAlert(alertEl, error.message);
  }

  function removeControls(member, cell) {
    const start = h('button', { type: 'button', class: 'danger small', 'data-testid': 'remove-member' }, 'Remove');
    start.addEventListener('click', () => {
      const yes = h('button', { type: 'button', class: 'danger small', 'data-testid': 'confirm-remove' }, 'Yes, remove');
      const no = h('button', { type: 'button', class: 'secondary small', 'data-testid': 'cancel-remove' }, 'Cancel');
      cell.replaceChildren(
        h(
          'p',
          { class: 'confirm-text', 'data-testid': 'remove-question' },
          `Remove ${member.email}? Their access ends within minutes; they are emailed an export of their data, which is erased 30 days later.`,
        ),
        h('span', { class: 'button-group' }, yes, no),
      );
      no.focus();
      no.addEventListener('click', () => {
        cell.replaceChildren(removeControls(member, cell));
        cell.querySelector('button')?.focus();
      });
      yes.addEventListener('click', async () => {
        yes.disabled = no.disabled = true;
        setAlert(alertEl, '');
        try {
          await api.removeMember(member.user_id);
          said(`Removed ${member.email}. They are emailed an export of their data.`);
          await load();
        } catch (error) {
          yes.disabled = no.disabled = false;
          failed(error);
        }
      });
    });
    return start;
  }

  function memberRow(member, admin, me) {
    const pipeline = member.pipeline
      ? h('span', { 'data-testid': 'member-pipeline' }, countsText(member.pipeline))
      : h('span', { class: 'badge', 'data-testid': 'member-not-shared' }, 'not shared');
    const row = h(
      'tr',
      { 'data-testid': 'cohort-member', 'data-user-id': member.user_id },
      h('td', { 'data-testid': 'member-email' }, member.email || member.user_id, member.user_id === me ? ' (you)' : ''),
      h('td', {}, roleText(member.roles)),
      h('td', {}, member.joined_at ? timeEl(member.joined_at) : ''),
      h('td', {}, pipeline),
    );
    if (admin) {
      const cell = h('td', { class: 'row-actions' });
      if (member.user_id !== me) cell.append(removeControls(member, cell));
      row.append(cell);
    }
    return row;
  }

  function showMembers(members) {
    const admin = roles().has('admin');
    const me = claims()?.sub;
    if (!members.length) {
      membersEl.replaceChildren(h('p', { class: 'empty' }, 'Nobody has joined yet.'));
      return;
    }
    const headings = ['Member', 'Role', 'Joined', 'Pipeline', ...(admin ? ['Actions'] : [])];
    membersEl.replaceChildren(table('cohort-members-table', 'Members', headings, members.map((m) => memberRow(m, admin, me))));
  }

  function inviteRow(invite) {
    const revoke = h('button', { type: 'button', class: 'secondary small', 'data-testid': 'revoke-invite' }, 'Revoke');
    revoke.addEventListener('click', async () => {
      revoke.disabled = true;
      setAlert(alertEl, '');
      try {
        await api.revokeInvite(invite.invite_id);
        said(`Revoked the invitation of ${invite.email}: its link no longer works.`);
        await load();
      } catch (error) {
        revoke.disabled = false;
        failed(error);
      }
    });
    return h(
      'tr',
      { 'data-testid': 'cohort-invite', 'data-invite-id': invite.invite_id },
      h('td', { 'data-testid': 'invite-email' }, invite.email),
      h('td', {}, ROLE_NAMES[invite.role] || invite.role),
      h('td', {}, emails.get(invite.invited_by) || invite.invited_by || ''),
      h('td', {}, invite.expires_at ? timeEl(invite.expires_at) : ''),
      h('td', { class: 'row-actions' }, revoke),
    );
  }

  function showInvites(invites) {
    if (!invites.length) {
      invitesEl.replaceChildren(h('p', { class: 'empty' }, 'No invitation is waiting.'));
      return;
    }
    const sorted = [...invites].sort((a, b) => String(a.email).localeCompare(String(b.email)));
    invitesEl.replaceChildren(
      table('cohort-invites-table', 'Pending invitations', ['Address', 'Role', 'Invited by', 'Link expires', ''], sorted.map(inviteRow)),
    );
  }

  function showDashboard(dashboard) {
    countsEl.textContent = `Everyone's contacts, added up: ${countsText(dashboard.counts)}.`;
    const items = [...(dashboard.due_actions || [])].sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at));
    if (!items.length) {
      dueEl.replaceChildren(h('li', { class: 'empty' }, 'Nothing due among the members who share.'));
      return;
    }
    dueEl.replaceChildren(
      ...items.map((item) =>
        h(
          'li',
          { 'data-testid': 'cohort-due-item', 'data-user-id': item.user_id },
          h('span', { class: 'due-action' }, label(ACTION_LABELS, item.action)),
          ' — ',
          item.name || 'Unnamed contact',
          h('span', { class: 'muted' }, ` (${emails.get(item.user_id) || item.user_id})`),
          h('span', { class: 'due-when' }, 'due ', h('time', { datetime: item.due_at }, formatDateTime(item.due_at))),
        ),
      ),
    );
  }

  async function load() {
    const mine = ++loadId;
    try {
      const [members, invites, dashboard] = await Promise.all([
        api.listMembers(),
        api.listInvites(),
        api.tenantDashboard(),
      ]);
      if (mine !== loadId || !dialog.open) return;
      emails = new Map(members.map((m) => [m.user_id, m.email]));
      showMembers(members);
      showInvites(invites);
      showDashboard(dashboard);
    } catch (error) {
      if (mine === loadId) failed(error);
    }
  }

  async function open(openerEl) {
    opener = openerEl || null;
    setAlert(alertEl, '');
    setAlert(noticeEl, '');
    setAlert(formDone, '');
    const loading = () => h('p', { class: 'muted' }, 'Loading…');
    membersEl.replaceChildren(loading());
    invitesEl.replaceChildren(loading());
    dueEl.replaceChildren();
    countsEl.textContent = '';
    mountInviteForm(form, formAlert, {
      api,
      isAdmin: roles().has('admin'),
      noticeEl: formDone,
      onInvited: () => load(),
    });
    if (!dialog.open) dialog.showModal();
    title.focus();
    await load();
  }

  byTestId('cohort-refresh', dialog).addEventListener('click', async () => {
    setAlert(alertEl, '');
    setAlert(noticeEl, '');
    setAlert(formDone, '');
    await load();
    announce('Cohort updated.');
  });
  byTestId('close-cohort', dialog).addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    loadId++;
    (opener?.isConnected ? opener : document.getElementById('main'))?.focus();
  });

  return { open, close: () => dialog.open && dialog.close(), isOpen: () => dialog.open };
}
