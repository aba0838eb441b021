// The contact dialog: details, timeline and the step form, with focus managed for keyboards.

import { announce, byTestId, setAlert } from './dom.js';
import { STEPS } from './steps.js';
import { mountStepForm } from './stepform.js';
import { renderContact, renderTimeline } from './timeline.js';

/**
 * Wires the <dialog>. `onChanged(contact)` tells the page a contact changed (null contact and an
 * id when it was erased) so the board can update before the projections catch up.
 */
export function createContactPanel({ api, dialog, onChanged, onErased }) {
  const title = dialog.querySelector('#contact-dialog-title');
  const subtitle = dialog.querySelector('#contact-dialog-subtitle');
  const detailsEl = byTestId('contact-details', dialog);
  const timelineEl = byTestId('timeline', dialog);
  const form = byTestId('step-form', dialog);
  const formAlert = byTestId('step-form-alert', dialog);
  const panelAlert = byTestId('panel-alert', dialog);
  const eraseButton = byTestId('erase-contact', dialog);
  let current = null;
  let opener = null;
  let openId = null;

  function show(contact, events) {
    current = contact;
    title.textContent = contact.name || 'Unnamed contact';
    subtitle.textContent = [contact.role, contact.company].filter(Boolean).join(' at ');
    renderContact(detailsEl, contact);
    renderTimeline(timelineEl, events);
  }

  async function load(id) {
    const [contact, events] = await Promise.all([api.getContact(id), api.getEvents(id)]);
    if (openId !== id) return null;
    show(contact, events);
    return contact;
  }

  async function submitStep(body, idempotencyKey) {
    try {
      const result = await api.logStep(current.contact_id, body, { idempotencyKey, version: current.version });
      const events = await api.getEvents(current.contact_id);
      show(result.contact, events);
      mountStepForm(form, formAlert, result.contact, submitStep);
      onChanged(result.contact);
      announce(`Logged “${STEPS[body.type]?.label || body.type}” for ${result.contact.name}.`);
      byTestId('step-type', form)?.focus();
    } catch (error) {
      // Someone else (another tab) moved the contact on: show the current state, keep what was typed.
      if (error.status === 412 || error.status === 422) {
        await load(current.contact_id).catch(() => null);
      }
      throw error;
    }
  }

  async function open(id, openerEl) {
    opener = openerEl || null;
    openId = id;
    current = null;
    title.textContent = 'Loading…';
    subtitle.textContent = '';
    detailsEl.replaceChildren();
    timelineEl.replaceChildren();
    form.replaceChildren();
    setAlert(formAlert, '');
    setAlert(panelAlert, '');
    if (!dialog.open) dialog.showModal();
    title.focus();
    try {
      const contact = await load(id);
      if (contact) mountStepForm(form, formAlert, contact, submitStep);
    } catch (error) {
      if (error.status !== 401) setAlert(panelAlert, error.message);
      title.textContent = 'Contact';
    }
  }

  eraseButton.addEventListener('click', async () => {
    if (!current) return;
    const name = current.name || 'this contact';
    // A deliberate, irreversible erasure: ask first.
    if (!window.confirm(`Erase ${name}'s personal data for good? This cannot be undone.`)) return;
    try {
      await api.deleteContact(current.contact_id);
      announce(`Erased ${name}.`);
      const id = current.contact_id;
      dialog.close();
      onErased(id);
    } catch (error) {
      if (error.status !== 401) setAlert(panelAlert, error.message);
    }
  });

  byTestId('close-dialog', dialog).addEventListener('click', () => dialog.close());

  dialog.addEventListener('close', () => {
    const id = openId;
    openId = null;
    // The board may have been redrawn while the dialog was open: find the card again by its id.
    const target =
      (opener?.isConnected && opener) ||
      (id && document.querySelector(`[data-testid="card-${CSS.escape(id)}"]`)) ||
      document.getElementById('main');
    target?.focus();
  });

  return { open, close: () => dialog.open && dialog.close(), isOpen: () => dialog.open };
}
