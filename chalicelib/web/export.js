// "Export": the user's data as a file (GET /me/export). A plain link cannot carry the bearer
// token, so the file is fetched, held as a Blob and handed to the browser through <a download>.

import { h } from './dom.js';

// The object URL is freed a little after the click, once the browser has started the download.
const REVOKE_AFTER_MS = 30_000;

/** Downloads the export as `format` ('json' or 'csv'); resolves to the file name used. */
export async function downloadExport(api, format) {
  const { blob, filename } = await api.exportData(format);
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  return filename;
}
