// The only module that speaks HTTP to the Rapport API (see API.md). Same origin as the page.

import { inPlainWords } from './labels.js';

/** A failed API call, carrying the API's error body: code, message and per-field messages. */
export class ApiError extends Error {
  constructor(status, code, message, fields = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }

  /** True when retrying the same request may succeed (so an Idempotency-Key should be kept). */
  get retryable() {
    return this.status === 0 || this.status >= 500;
  }
}

const FALLBACK_MESSAGES = {
  0: 'Could not reach the server. Check your connection and try again.',
  401: 'Your session has ended. Please sign in again.',
  403: 'Your role does not allow that. Ask an admin of your organisation.',
  404: 'That contact no longer exists.',
  412: 'This contact changed since you opened it. It has been reloaded; check and submit again.',
  413: 'That is too much text to send at once.',
};

async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const err = body && typeof body === 'object' ? body.error || {} : {};
  const message =
    err.message || FALLBACK_MESSAGES[response.status] || `The server answered ${response.status}.`;
  // The API may name a setting or field by its code ("max_follow_ups"): say it as the forms do.
  const fields = (err.fields || []).map((f) => ({ ...f, message: inPlainWords(f.message) }));
  return new ApiError(response.status, err.code || 'error', inPlainWords(message), fields);
}

/** The file name a Content-Disposition header gives (filename*= first, then filename=), or null. */
function dispositionFilename(header) {
  const value = header || '';
  let name = '';
  const extended = /filename\*\s*=\s*utf-8''([^;]+)/i.exec(value);
  if (extended) {
    try {
      name = decodeURIComponent(extended[1].trim());
    } catch {
      name = '';
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(value);
  if (!name && plain) name = (plain[1] ?? plain[2]).trim();
  // Only a bare name: never a path for the browser to write elsewhere.
  return name.replace(/^.*[\\/]/, '') || null;
}

/**
 * An API client. `getToken` gives the bearer token; `onUnauthorized` runs on any 401 so the
 * page can go back to sign-in, after which the call still rejects.
 */
export function createApi({ base, getToken, onUnauthorized }) {
  /** Sends a request; resolves to the ok Response, rejects with an ApiError. */
  async function send(
    method,
    path,
    { body, rawBody, contentType, headers = {}, query, accept = 'application/json' } = {},
  ) {
    const url = new URL(path, base);
    for (const [key, value] of Object.entries(query || {})) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, value);
    }
    const init = {
      method,
      headers: { Accept: accept, ...headers },
      cache: 'no-store',
    };
    const token = getToken();
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    } else if (rawBody !== undefined) {
      // A file sent as it is (the CSV import): its own bytes, whatever their encoding.
      init.headers['Content-Type'] = contentType;
      init.body = rawBody;
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch {
      throw new ApiError(0, 'network', FALLBACK_MESSAGES[0]);
    }
    if (!response.ok) {
      const error = await errorFrom(response);
      if (response.status === 401) onUnauthorized(error);
      throw error;
    }
    return response;
  }

  async function request(method, path, options) {
    const response = await send(method, path, options);
    if (response.status === 204) return null;
    return response.json();
  }

  function writeHeaders({ idempotencyKey, version } = {}) {
    const headers = {};
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    if (version !== undefined && version !== null) headers['If-Match'] = `"${version}"`;
    return headers;
  }

  return {
    dashboard: () => request('GET', 'dashboard'),

    /**
     * Every contact, following next_cursor page by page (100 a page, the API's maximum); with
     * `q`, only those whose name, company or role holds the text (the server matches it).
     */
    async listAllContacts({ q } = {}) {
      const items = [];
      let cursor = null;
      const seen = new Set();
      do {
        const page = await request('GET', 'contacts', { query: { limit: 100, cursor, q } });
        items.push(...(page.items || []));
        cursor = page.next_cursor || null;
        // A cursor repeating would loop forever; stop rather than hang the page.
        if (cursor && seen.has(cursor)) break;
        if (cursor) seen.add(cursor);
      } while (cursor);
      return items;
    },

    getContact: (id) => request('GET', `contacts/${encodeURIComponent(id)}`),

    async getEvents(id) {
      const page = await request('GET', `contacts/${encodeURIComponent(id)}/events`);
      return page.items || [];
    },

    createContact: (fields, { idempotencyKey } = {}) =>
      request('POST', 'contacts', { body: fields, headers: writeHeaders({ idempotencyKey }) }),

    /** Logs a step; resolves to {contact, event}. */
    logStep: (id, step, { idempotencyKey, version } = {}) =>
      request('POST', `contacts/${encodeURIComponent(id)}/events`, {
        body: step,
        headers: writeHeaders({ idempotencyKey, version }),
      }),

    deleteContact: (id) => request('DELETE', `contacts/${encodeURIComponent(id)}`),

    getSettings: () => request('GET', 'me/settings'),

    /** Changes the settings sent (any subset); resolves to all of them. */
    updateSettings: (changes) => request('PUT', 'me/settings', { body: changes }),

    getIntegrations: () => request('GET', 'me/integrations'),

    /** Saves a webhook secret (write-only); resolves to the integrations, secrets left out. */
    setWebhookSecret: (provider, secret) =>
      request('PUT', `me/integrations/${encodeURIComponent(provider)}`, {
        body: provider === 'calendly' ? { signing_key: secret } : { secret },
      }),

    rotateCalendarFeed: () => request('POST', 'me/integrations/calendar/rotate'),

    /** Uploads a CSV file; with dryRun, only the report of what it would import. */
    importContacts: (file, { dryRun = false } = {}) =>
      request('POST', 'contacts/import', {
        rawBody: file,
        // Binary to API Gateway: the file's own bytes arrive, whatever its encoding.
        contentType: 'application/octet-stream',
        query: dryRun ? { dry_run: 'true' } : undefined,
      }),

    getSharing: () => request('GET', 'me/sharing'),

    /** Turns sharing with the cohort's coaches and admins on or off; resolves to the new state. */
    setSharing: (share) => request('PUT', 'me/sharing', { body: { share_with_coaches: Boolean(share) } }),

    /** The cohort (coaches and admins): members, pending invites, the tenant's dashboard. */
    async listMembers() {
      const page = await request('GET', 'tenant/members');
      return page.items || [];
    },

    async listInvites() {
      const page = await request('GET', 'tenant/invites');
      return page.items || [];
    },

    tenantDashboard: () => request('GET', 'tenant/dashboard'),

    /** Invites addresses in one role; resolves to {invites: [...]}. */
    invite: (emails, role, { idempotencyKey } = {}) =>
      request('POST', 'tenant/invites', { body: { emails, role }, headers: writeHeaders({ idempotencyKey }) }),

    revokeInvite: (id) => request('DELETE', `tenant/invites/${encodeURIComponent(id)}`),

    removeMember: (userId) => request('DELETE', `tenant/members/${encodeURIComponent(userId)}`),

    /** The export as a file: {blob, filename}; format is 'json' or 'csv'. */
    async exportData(format) {
      const response = await send('GET', 'me/export', {
        query: { format },
        accept: format === 'csv' ? 'text/csv' : 'application/json',
      });
      const filename = dispositionFilename(response.headers.get('Content-Disposition'));
      return { blob: await response.blob(), filename: filename || `rapport-export.${format}` };
    },
  };
}
