// The Integrations dialog: the webhook URLs to paste into Calendly and Cal.com with how to do
// it, their write-only secrets, and the calendar feed's URL with copy and rotate
// (GET /me/integrations and its PUT/POST). Secrets are sent, never shown: the API returns
// only whether each one is set.

import { announce, byTestId, h, setAlert } from './dom.js';
import { clearErrors, showErrors, whileBusy } from './forms.js';

const PROVIDERS = {
  calendly: {
    title: 'Calendly',
    field: 'signing_key',
    label: 'Signing key',
    steps: [
      'Webhooks need a paid Calendly plan (Standard or above).',
      'Create a webhook subscription with Calendly\u2019s API (POST /webhook_subscriptions) for the events invitee.created and invitee.canceled, with the URL below and a signing_key you choose.',
      'Paste the same signing key here and save: Rapport then records every booking, reschedule and cancellation on the contact with the invitee\u2019s email.',
    ],
  },
  calcom: {
    title: 'Cal.com',
    field: 'secret',
    label: 'Secret',
    steps: [
      'Webhooks are free on Cal.com: open Settings \u2192 Developer \u2192 Webhooks \u2192 New.',
      'Subscriber URL: the URL below. Triggers: Booking created, Booking rescheduled, Booking cancelled. Secret: one you choose.',
      'Paste the same secret here and save.',
    ],
  },
};

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission (or no secure context): select the text for Ctrl+C instead.
    const input = button.previousElementSibling;
    input?.select?.();
    announce('Select the text and copy it with your keyboard.');
    return;
  }
  const before = button.textContent;
  button.textContent = 'Copied';
  announce('Copied to the clipboard.');
  window.setTimeout(() => {
    button.textContent = before;
  }, 2000);
}

function urlRow(id, label, url) {
  const inputId = `integrations-${id}`;
  const input = h('input', {
    id: inputId,
    type: 'text',
    readonly: true,
    value: url,
    spellcheck: 'false',
    'data-testid': `${id}-url`,
  });
  const copy = h(
    'button',
    { type: 'button', class: 'secondary', 'data-testid': `copy-${id}` },
    'Copy',
  );
  copy.addEventListener('click', () => copyText(input.value, copy));
  return h(
    'div',
    { class: 'field' },
    h('label', { for: inputId }, label),
    h('div', { class: 'copy-row' }, input, copy),
  );
}

/** Wires the integrations <dialog>. */
export function createIntegrationsDialog({ api, dialog }) {
  const title = dialog.querySelector('#integrations-title');
  const body = byTestId('integrations-body', dialog);
  const alertEl = byTestId('integrations-alert', dialog);
  const doneEl = byTestId('integrations-saved', dialog);
  let opener = null;
  let loadId = 0;

  function said(message) {
    setAlert(doneEl, message);
    announce(message);
  }

  function providerSection(provider, state) {
    const info = PROVIDERS[provider];
    const inputId = `integrations-${provider}-secret`;
    const form = h(
      'form',
      { class: 'secret-form', 'data-testid': `${provider}-form`, novalidate: true },
      h(
        'div',
        { class: 'field' },
        h('label', { for: inputId }, info.label),
        h(
          'p',
          { class: 'hint', id: `${inputId}-hint` },
          state.configured
            ? 'Set. Saving a new one replaces it; it is never shown again.'
            : 'Not set yet: deliveries are refused until it is. 8 to 500 characters.',
        ),
        h('input', {
          id: inputId,
          name: info.field,
          type: 'password',
          autocomplete: 'off',
          'aria-describedby': `${inputId}-hint`,
          'data-testid': `field-${provider}-secret`,
        }),
      ),
      h('button', { type: 'submit', 'data-testid': `save-${provider}` }, `Save ${info.label.toLowerCase()}`),
    );
    form.onsubmit = async (event) => {
      event.preventDefault();
      setAlert(doneEl, '');
      const secret = form.elements[info.field].value;
      await whileBusy(form, async () => {
        try {
          clearErrors(form, alertEl);
          const next = await api.setWebhookSecret(provider, secret);
          show(next);
          said(`${info.title} connected: its ${info.label.toLowerCase()} is saved.`);
        } catch (error) {
          if (error.status !== 401) showErrors(form, alertEl, error);
        }
      });
    };
    return h(
      'section',
      { class: 'integration', 'data-testid': `${provider}-section`, 'aria-labelledby': `${provider}-heading` },
      h(
        'h3',
        { id: `${provider}-heading` },
        info.title,
        ' ',
        h(
          'span',
          { class: state.configured ? 'badge ok' : 'badge', 'data-testid': `${provider}-status` },
          state.configured ? 'Connected' : 'Not connected',
        ),
      ),
      h('ol', { class: 'how-to' }, info.steps.map((step) => h('li', {}, step))),
      urlRow(`${provider}-webhook`, 'Webhook URL', state.webhook_url),
      form,
    );
  }

  function calendarSection(integrations) {
    const rotate = h(
      'button',
      { type: 'button', class: 'secondary', 'data-testid': 'rotate-calendar' },
      'Make a new URL',
    );
    rotate.addEventListener('click', async () => {
      setAlert(doneEl, '');
      rotate.disabled = true;
      try {
        const next = await api.rotateCalendarFeed();
        show(next);
        said('A new calendar URL is ready; the old one no longer works. Subscribe again with the new one.');
      } catch (error) {
        if (error.status !== 401) setAlert(alertEl, error.message);
      } finally {
        rotate.disabled = false;
      }
    });
    return h(
      'section',
      { class: 'integration', 'data-testid': 'calendar-section', 'aria-labelledby': 'calendar-heading' },
      h('h3', { id: 'calendar-heading' }, 'Calendar feed'),
      h(
        'p',
        { class: 'hint' },
        'Subscribe to this URL in Google Calendar (Other calendars \u2192 From URL), Outlook or Apple Calendar: your interviews and due steps appear there. Anyone with the URL can read it; make a new one if it leaks.',
      ),
      urlRow('calendar-feed', 'Calendar URL', integrations.calendar_feed_url),
      rotate,
    );
  }

  function inboundSection(integrations) {
    const address = integrations.inbound?.log_address;
    return h(
      'section',
      { class: 'integration', 'data-testid': 'inbound-section', 'aria-labelledby': 'inbound-heading' },
      h('h3', { id: 'inbound-heading' }, 'Log emails you send'),
      address
        ? urlRow('log-address', 'Bcc this address', address)
        : h('p', { class: 'muted' }, 'Logging emails by Bcc is not available on this service yet.'),
    );
  }

  function show(integrations) {
    body.replaceChildren(
      calendarSection(integrations),
      providerSection('calendly', integrations.calendly),
      providerSection('calcom', integrations.calcom),
      inboundSection(integrations),
    );
  }

  async function open(openerEl) {
    opener = openerEl || null;
    const mine = ++loadId;
    body.replaceChildren(h('p', { class: 'muted' }, 'Loading your integrations\u2026'));
    setAlert(alertEl, '');
    setAlert(doneEl, '');
    if (!dialog.open) dialog.showModal();
    title.focus();
    try {
      const integrations = await api.getIntegrations();
      if (mine === loadId && dialog.open) show(integrations);
    } catch (error) {
      if (mine === loadId && error.status !== 401) {
        body.replaceChildren();
        setAlert(alertEl, error.message);
      }
    }
  }

  byTestId('close-integrations', dialog).addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    loadId++;
    (opener?.isConnected ? opener : document.getElementById('main'))?.focus();
  });

  return { open, close: () => dialog.open && dialog.close(), isOpen: () => dialog.open };
}
