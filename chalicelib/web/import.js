// The Import dialog: a CSV file (LinkedIn's Connections.csv, or any with a header) previewed
// with POST /contacts/import?dry_run=true (new rows, duplicates of your contacts, rows with
// errors by line), then imported with the same request without dry_run.

import { announce, byTestId, h, setAlert } from './dom.js';

const MAX_BYTES = 5 * 1024 * 1024;

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

function table(testId, caption, headings, rows) {
  return h(
    'table',
    { class: 'report-table', 'data-testid': testId },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headings.map((text) => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((text) => h('td', {}, text ?? ''))))),
  );
}

function reportView(report, names) {
  const parts = [
    h(
      'p',
      { 'data-testid': 'import-summary' },
      `${plural(report.rows, 'row', 'rows')} read: ${plural(report.new.length, 'new contact', 'new contacts')}, `,
      `${plural(report.duplicates.length, 'duplicate', 'duplicates')} of contacts you have, `,
      `${plural(report.errors.length, 'row', 'rows')} with errors.`,
    ),
  ];
  if (report.new.length) {
    parts.push(
      table(
        'import-new',
        'New contacts',
        ['Line', 'Name', 'Company', 'Role', 'Email'],
        report.new.map((row) => [row.line, row.name, row.company, row.role, row.email]),
      ),
    );
  }
  if (report.errors.length) {
    parts.push(
      table(
        'import-errors',
        'Rows that cannot be imported (fix them in the file and try again)',
        ['Line', 'Problem'],
        report.errors.map((row) => [row.line, row.message]),
      ),
    );
  }
  if (report.duplicates.length) {
    parts.push(
      table(
        'import-duplicates',
        'Already in Rapport (skipped)',
        ['Line', 'Contact'],
        report.duplicates.map((row) => [row.line, names.get(row.contact_id) || row.contact_id]),
      ),
    );
  }
  return parts;
}

/**
 * Wires the import <dialog>. `names()` gives a Map of contact id → name (for the duplicates),
 * `onImported(report)` runs after an import created contacts.
 */
export function createImportDialog({ api, dialog, names, onImported }) {
  const title = dialog.querySelector('#import-title');
  const form = byTestId('import-form', dialog);
  const fileInput = byTestId('import-file', dialog);
  const alertEl = byTestId('import-alert', dialog);
  const doneEl = byTestId('import-done', dialog);
  const preview = byTestId('import-preview', dialog);
  const confirm = byTestId('import-confirm', dialog);
  let opener = null;
  let previewed = null;

  function reset() {
    previewed = null;
    preview.replaceChildren();
    confirm.hidden = true;
    setAlert(alertEl, '');
  }

  function chosenFile() {
    const file = fileInput.files?.[0];
    if (!file) {
      setAlert(alertEl, 'Choose a CSV file first.');
      return null;
    }
    if (file.size > MAX_BYTES) {
      setAlert(alertEl, 'The file is over 5 MB: split it and import each part.');
      return null;
    }
    return file;
  }

  async function busy(work) {
    const buttons = dialog.querySelectorAll('button');
    buttons.forEach((b) => (b.disabled = true));
    dialog.setAttribute('aria-busy', 'true');
    try {
      await work();
    } catch (error) {
      if (error.status !== 401) {
        const field = (error.fields || []).map((f) => f.message).join(' ');
        setAlert(alertEl, field || error.message);
      }
    } finally {
      dialog.removeAttribute('aria-busy');
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    reset();
    setAlert(doneEl, '');
    const file = chosenFile();
    if (!file) return;
    busy(async () => {
      const report = await api.importContacts(file, { dryRun: true });
      previewed = file;
      preview.replaceChildren(...reportView(report, names()));
      confirm.hidden = report.new.length === 0;
      confirm.textContent = `Import ${plural(report.new.length, 'contact', 'contacts')}`;
      announce(byTestId('import-summary', preview).textContent);
    });
  });

  confirm.addEventListener('click', () => {
    if (!previewed) return;
    const file = previewed;
    busy(async () => {
      const report = await api.importContacts(file, { dryRun: false });
      reset();
      form.reset();
      const message =
        `Imported ${plural(report.created.length, 'contact', 'contacts')}.` +
        (report.duplicates.length ? ` ${plural(report.duplicates.length, 'duplicate was', 'duplicates were')} skipped.` : '') +
        (report.errors.length ? ` ${plural(report.errors.length, 'row', 'rows')} had errors.` : '');
      setAlert(doneEl, message);
      announce(message);
      if (report.created.length) onImported?.(report);
    });
  });

  fileInput.addEventListener('change', () => {
    reset();
    setAlert(doneEl, '');
  });

  function open(openerEl) {
    opener = openerEl || null;
    reset();
    setAlert(doneEl, '');
    if (!dialog.open) dialog.showModal();
    title.focus();
  }

  byTestId('close-import', dialog).addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    (opener?.isConnected ? opener : document.getElementById('main'))?.focus();
  });

  return { open, close: () => dialog.open && dialog.close(), isOpen: () => dialog.open };
}
