// The contact dialog: details, timeline and the step form, with focus managed for keyboards.

import { announce, byTestId, setAlert } from './dom.js';
import { renderStepButtons } from './stepbuttons.js';
import { stepFields } from './stepfields.js';
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
  const buttonsEl = byTestId('step-buttons', dialog);
  const bodyEl = byTestId('contact-body', dialog);
  const notFoundEl = byTestId('contact-not-found', dialog);
  let current = null;
  let opener = null;
  let openId = null;

  function show(contact, events) {
    current = contact;
    title.textContent = contact.name || 'Unnamed contact';
    subtitle.textContent = [contact.role, contact.company].filter(Boolean).join(' at ');
    bodyEl.hidden = false;
    renderContact(detailsEl, contact, events);
    const allowed = contact.allowed_steps || [];
    renderTimeline(timelineEl, events, {
      onUndo: allowed.includes('step_retracted')
        ? (event) => recordButtonStep({ type: 'step_retracted' }, `Undid “${stepFields(event.type).label}”`)
        : undefined,
    });
    renderStepButtons(buttonsEl, contact, recordButtonStep);
  }

  /** Sends a step with the version shown (If-Match), so it applies to what the person saw. */
  async function record(body, idempotencyKey) {
    const result = await api.logStep(current.contact_id, body, { idempotencyKey, version: current.version });
    const events = await api.getEvents(current.contact_id);
    show(result.contact, events);
    mountStepForm(form, formAlert, result.contact, submitStep);
    onChanged(result.contact);
    return result.contact;
  }

  /** Undo, Reopen and Snooze: one click each, refusals shown at the top of the dialog. */
  async function recordButtonStep(body, what) {
    if (!current) return;
    setAlert(panelAlert, '');
    const buttons = dialog.querySelectorAll('.step-buttons button, [data-testid="undo-step"]');
    // Disabled while sending, so a double click cannot send the step twice.
    buttons.forEach((b) => {
      b.disabled = true;
    });
    try {
      const contact = await record(body);
      announce(`${what} for ${contact.name}.`);
      title.focus();
    } catch (error) {
      if (error.status === 401) return;
      buttons.forEach((b) => {
        b.disabled = false;
      });
      // The contact moved on elsewhere: show what it is now, and the steps it accepts now.
      if (error.status === 412 || error.status === 422) {
        const contact = await load(current.contact_id).catch(() => null);
        if (contact) mountStepForm(form, formAlert, contact, submitStep);
      }
      setAlert(panelAlert, error.message);
    }
  }

  async function load(id) {
    const [contact, events] = await Promise.all([api.getContact(id), api.getEvents(id)]);
    if (openId !== id) return null;
    show(contact, events);
    return contact;
  }

  async function submitStep(body, idempotencyKey) {
    try {
      const contact = await record(body, idempotencyKey);
      announce(`Logged “${stepFields(body.type).label}” for ${contact.name}.`);
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
    buttonsEl.replaceChildren();
    form.replaceChildren();
    setAlert(formAlert, '');
    setAlert(panelAlert, '');
    // Nothing to act on until the contact is loaded: no timeline, form or erase button.
    bodyEl.hidden = true;
    notFoundEl.hidden = true;
    if (!dialog.open) dialog.showModal();
    title.focus();
    try {
      const contact = await load(id);
      if (contact) mountStepForm(form, formAlert, contact, submitStep);
    } catch (error) {
      if (openId !== id) return;
      if (error.status === 404) {
        // A link to an erased contact, or to someone else's: say so plainly, offer nothing.
        title.textContent = 'Contact not found';
        notFoundEl.hidden = false;
        return;
      }
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
