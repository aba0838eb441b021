// The "Add a contact" form, built from the same field list the "Details updated" step uses.

import { announce, h, setAlert } from './dom.js';
import { clearErrors, idempotencyKeyFor, readField, renderField, settleKey, showErrors, whileBusy } from './forms.js';
import { STATUS_LABELS, label } from './labels.js';
import { CONTACT_FIELDS } from './stepfields.js';

/** `noticeEl` shows, visibly, who was just added (the form empties, so it is the only trace). */
export function mountAddContactForm(form, alertEl, { api, onCreated, noticeEl }) {
  const fields = CONTACT_FIELDS.map((field) =>
    renderField(field, { idPrefix: 'new-contact', value: field.name === 'source' ? 'cold_outreach' : undefined }),
  );
  form.replaceChildren(
    h('div', { class: 'form-grid' }, fields),
    h('button', { type: 'submit', 'data-testid': 'add-contact-submit' }, 'Add contact'),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {};
    for (const field of CONTACT_FIELDS) {
      const value = readField(form, field);
      if (value !== undefined) body[field.name] = value;
    }
    const idempotencyKey = idempotencyKeyFor(form, body);
    await whileBusy(form, async () => {
      try {
        clearErrors(form, alertEl);
        if (noticeEl) setAlert(noticeEl, '');
        const contact = await api.createContact(body, { idempotencyKey });
        settleKey(form, null);
        form.reset();
        const where = label(STATUS_LABELS, contact.status);
        announce(`Added ${contact.name}.`);
        if (noticeEl) setAlert(noticeEl, `Added ${contact.name}: find them in the ${where} column of the pipeline.`);
        onCreated(contact);
        form.querySelector('[name="name"]').focus();
      } catch (error) {
        settleKey(form, error);
        if (error.status !== 401) showErrors(form, alertEl, error);
      }
    });
  });
}
