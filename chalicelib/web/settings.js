// The settings dialog: when and where reminders go, and how patient follow-ups are
// (GET and PUT /me/settings), with the cohort sharing switch below (sharing.js). Only the
// settings the person changed are sent, so a change made elsewhere meanwhile (an unsubscribe
// link, another tab) is never undone.

import { announce, byTestId, h, setAlert } from './dom.js';
import { clearErrors, readField, renderField, showErrors, whileBusy } from './forms.js';
import { SETTING_LABELS } from './labels.js';
import { createSharingSwitch } from './sharing.js';
import { browserTimeZone, timeZoneOptions } from './timezone.js';

// The ranges are the API's (SettingsUpdate); the server checks them again and its 400 is shown
// next to the field.
function settingFields(saved) {
  return [
    {
      name: 'timezone',
      label: SETTING_LABELS.timezone,
      kind: 'select',
      required: true,
      options: timeZoneOptions(saved.timezone, browserTimeZone()),
      prompt: 'Reminders and due times follow this timezone.',
    },
    {
      name: 'reminder_hour',
      label: SETTING_LABELS.reminder_hour,
      kind: 'number',
      min: 0,
      max: 23,
      prompt: '0 to 23. Reminder emails leave between this hour and three hours later, in your timezone.',
    },
    {
      name: 'reminders_enabled',
      label: SETTING_LABELS.reminders_enabled,
      kind: 'checkbox',
      prompt: 'Untick to stop reminder emails; the dashboard still shows what is due.',
    },
    {
      name: 'follow_up_after_business_days',
      label: SETTING_LABELS.follow_up_after_business_days,
      kind: 'number',
      min: 1,
      max: 30,
      prompt: '1 to 30. With no reply this many business days after reaching out, follow up.',
    },
    {
      name: 'max_follow_ups',
      label: SETTING_LABELS.max_follow_ups,
      kind: 'number',
      min: 0,
      max: 5,
      prompt: '0 to 5. After this many follow-ups with no reply, the guide says to move on.',
    },
    {
      name: 'email',
      label: SETTING_LABELS.email,
      kind: 'email',
      autocomplete: 'email',
      prompt: 'A new address gets a confirmation link first; reminders keep going to the current one until it is clicked.',
    },
  ];
}

/** What differs from `saved`: the body of the PUT. */
function changedSettings(form, fields, saved) {
  const changes = {};
  for (const field of fields) {
    let value = readField(form, field);
    // Emptied: a number is sent as null so the server says what it needs; an emptied email
    // goes back to the sign-in address.
    if (value === undefined) value = null;
    if (value !== saved[field.name]) changes[field.name] = value;
  }
  return changes;
}

function savedMessage(saved, changed) {
  if (!changed) return 'Nothing changed: these are your settings.';
  const pending = saved.pending_email
    ? ` We emailed a confirmation link to ${saved.pending_email}; reminders go to ${saved.email} until you click it.`
    : '';
  return `Settings saved.${pending}`;
}

/**
 * Wires the settings <dialog>. `beforeLoad()` may return a promise to wait for before reading
 * the settings (the sign-in's timezone offer); `onSaved(settings)` runs after each save.
 */
export function createSettingsDialog({ api, dialog, beforeLoad, onSaved }) {
  const title = dialog.querySelector('#settings-title');
  const form = byTestId('settings-form', dialog);
  const alertEl = byTestId('settings-alert', dialog);
  const doneEl = byTestId('settings-saved', dialog);
  const sharing = createSharingSwitch({ api, section: byTestId('sharing-section', dialog) });
  let opener = null;
  let loadId = 0;

  function show(saved) {
    const fields = settingFields(saved);
    // replaceChildren would write a null as the text "null": leave out what is not there.
    const pending = saved.pending_email
      ? h(
          'p',
          { class: 'hint', 'data-testid': 'settings-pending-email' },
          `Waiting for you to confirm ${saved.pending_email}: open the link we emailed there.`,
        )
      : '';
    form.replaceChildren(
      h(
        'div',
        { class: 'form-grid' },
        fields.map((field) => renderField(field, { idPrefix: 'settings', value: saved[field.name] })),
      ),
      pending,
      h('button', { type: 'submit', 'data-testid': 'settings-submit' }, 'Save settings'),
    );
    form.onsubmit = async (event) => {
      event.preventDefault();
      setAlert(doneEl, '');
      const changes = changedSettings(form, fields, saved);
      await whileBusy(form, async () => {
        try {
          clearErrors(form, alertEl);
          const changed = Object.keys(changes).length > 0;
          const next = changed ? await api.updateSettings(changes) : saved;
          show(next);
          const message = savedMessage(next, changed);
          setAlert(doneEl, message);
          announce(message);
          onSaved?.(next);
        } catch (error) {
          if (error.status !== 401) showErrors(form, alertEl, error);
        }
      });
    };
  }

  async function open(openerEl) {
    opener = openerEl || null;
    const mine = ++loadId;
    form.replaceChildren(h('p', { class: 'muted' }, 'Loading your settings…'));
    setAlert(alertEl, '');
    setAlert(doneEl, '');
    if (!dialog.open) dialog.showModal();
    title.focus();
    sharing.load();
    try {
      await beforeLoad?.();
      const saved = await api.getSettings();
      if (mine === loadId && dialog.open) show(saved);
    } catch (error) {
      if (mine === loadId && error.status !== 401) {
        form.replaceChildren();
        setAlert(alertEl, error.message);
      }
    }
  }

  byTestId('close-settings', dialog).addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    loadId++;
    sharing.cancel();
    (opener?.isConnected ? opener : document.getElementById('main'))?.focus();
  });

  return { open, close: () => dialog.open && dialog.close(), isOpen: () => dialog.open };
}
