// Entry point: sign-in, loading the board and dashboard, and keeping them fresh after writes;
// the header's settings and export, and the board's search.

import { mountAddContactForm } from './addcontact.js';
import { createApi } from './api.js';
import {
  beginCognitoSignIn,
  clearToken,
  cognitoLogoutUrl,
  completeCognitoSignIn,
  isExpired,
  loadConfig,
  looksLikeToken,
  storeToken,
  storedToken,
  takeTokenFromFragment,
  tokenClaims,
  tokenRoles,
} from './auth.js';
import { renderBoard } from './board.js';
import { createCohortDialog } from './cohort.js';
import { announce, setAlert } from './dom.js';
import { downloadExport } from './export.js';
import { clearErrors, showErrors } from './forms.js';
import { createContactPanel } from './panel.js';
import { createSearch } from './search.js';
import { createImportDialog } from './import.js';
import { createIntegrationsDialog } from './integrations.js';
import { createSettingsDialog } from './settings.js';
import { renderDueActions, renderFunnel, renderUpcoming } from './summary.js';
import { markTimeZoneChosen, offerBrowserTimeZone } from './timezone.js';

// The page may be served below a stage prefix (/api/), so every URL is relative to it.
const BASE = new URL('.', document.baseURI);
const AUTO_REFRESH_MS = 60_000;
// The board reads projections, which trail a write by about a second: look again twice.
const AFTER_WRITE_MS = [1_000, 3_000];
// A written contact stays ahead of a lagging list at most this long.
const WRITE_WINDOW_MS = 30_000;
// Reminder emails link to a contact as #/contacts/{id}.
const CONTACT_LINK = /^#\/contacts\/([^/?#]+)$/;
// The unsubscribe page links to the settings as #/settings.
const SETTINGS_LINK = /^#\/settings\/?$/;

const $ = (id) => document.getElementById(id);
const els = {
  signIn: $('sign-in'),
  signInTitle: $('sign-in-title'),
  signInMessage: $('sign-in-message'),
  cognitoBlock: $('cognito-sign-in'),
  tokenForm: $('token-form'),
  tokenAlert: $('token-form-alert'),
  app: $('app'),
  session: document.querySelector('[data-testid="session"]'),
  signedInAs: $('signed-in-as'),
  pageAlert: $('page-alert'),
  pageNotice: $('page-notice'),
  firstRun: $('first-run'),
  searchInput: $('search-input'),
  searchStatus: $('search-status'),
  lastUpdated: $('last-updated'),
  board: $('board'),
  dueList: $('due-list'),
  upcomingList: $('upcoming-list'),
  funnel: $('funnel-body'),
};

const state = {
  config: {},
  contacts: new Map(),
  written: new Map(),
  erased: new Set(),
  dashboard: null,
  loading: null,
  timers: [],
  autoRefresh: 0,
  loaded: false,
  claims: null,
  // The board's search: the text, and the server's matches for it (null: show everyone).
  search: { query: '', items: null, error: null },
  // The sign-in's offer of the browser's timezone; the settings wait for it before reading.
  zoneOffer: Promise.resolve(null),
};

const api = createApi({
  base: BASE,
  getToken: storedToken,
  onUnauthorized: () => showSignIn('Your session has ended. Please sign in again.'),
});

const panel = createContactPanel({
  api,
  dialog: $('contact-dialog'),
  onChanged: remember,
  onErased: forget,
});

function openContact(id, opener) {
  panel.open(id, opener);
}

/** The contacts the board shows: everyone, or the search's matches in their newest known form. */
function shownContacts() {
  const { query, items } = state.search;
  if (!query || !items) return [...state.contacts.values()];
  return items
    .filter((c) => !state.erased.has(c.contact_id))
    .map((c) => {
      const known = state.contacts.get(c.contact_id);
      return known && known.version > c.version ? known : c;
    });
}

function renderSearchStatus() {
  const { query, items, error } = state.search;
  let text = '';
  if (query && error) text = error.message;
  else if (query && items) {
    const n = shownContacts().length;
    text = n ? `${n} ${n === 1 ? 'contact matches' : 'contacts match'} “${query}”.` : `No contact matches “${query}”.`;
  }
  els.searchStatus.textContent = text;
  els.searchStatus.hidden = !text;
}

function render() {
  renderBoard(els.board, shownContacts(), openContact);
  renderSearchStatus();
  // The five steps, for someone who has not added anybody yet.
  els.firstRun.hidden = !(state.loaded && state.contacts.size === 0 && !state.search.query);
  if (state.dashboard) {
    renderDueActions(els.dueList, state.dashboard.due_actions, openContact);
    renderUpcoming(els.upcomingList, state.dashboard.upcoming_interviews, openContact);
    renderFunnel(els.funnel, state.dashboard.funnel);
  }
}

/** Takes a fresh list, keeping contacts this tab wrote until the projections have caught up. */
function merge(items) {
  const next = new Map();
  for (const contact of items) {
    if (!state.erased.has(contact.contact_id)) next.set(contact.contact_id, contact);
  }
  const now = Date.now();
  for (const [id, { contact, at }] of state.written) {
    const listed = next.get(id);
    if (listed && listed.version >= contact.version) state.written.delete(id);
    else if (now - at > WRITE_WINDOW_MS) state.written.delete(id);
    else next.set(id, contact);
  }
  const listedIds = new Set(items.map((c) => c.contact_id));
  for (const id of state.erased) if (!listedIds.has(id)) state.erased.delete(id);
  state.contacts = next;
}

async function refresh({ announceIt = false } = {}) {
  if (state.loading) return state.loading;
  state.loading = (async () => {
    try {
      const [items, dashboard] = await Promise.all([api.listAllContacts(), api.dashboard()]);
      merge(items);
      state.dashboard = dashboard;
      state.loaded = true;
      render();
      // The matches may have changed too (a write, another tab): ask again in the background.
      search.rerun();
      setAlert(els.pageAlert, '');
      els.lastUpdated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
      if (announceIt) announce('Dashboard updated.');
    } catch (error) {
      if (error.status !== 401) setAlert(els.pageAlert, error.message);
    } finally {
      state.loading = null;
    }
  })();
  return state.loading;
}

function refreshAfterWrite() {
  state.timers.forEach((t) => window.clearTimeout(t));
  state.timers = AFTER_WRITE_MS.map((ms) => window.setTimeout(() => refresh(), ms));
}

function remember(contact) {
  state.written.set(contact.contact_id, { contact, at: Date.now() });
  state.contacts.set(contact.contact_id, contact);
  render();
  refreshAfterWrite();
}

function forget(id) {
  state.erased.add(id);
  state.written.delete(id);
  state.contacts.delete(id);
  render();
  refreshAfterWrite();
}

function showApp(claims) {
  els.signIn.hidden = true;
  els.app.hidden = false;
  els.session.hidden = false;
  els.signedInAs.textContent = claims?.email ? `Signed in as ${claims.email}` : 'Signed in';
  state.claims = claims;
  // Coaches and admins see their cohort; the API refuses everyone else (403) anyway.
  const roles = tokenRoles(claims);
  $('cohort-button').hidden = !(roles.has('coach') || roles.has('admin'));
  state.zoneOffer = offerBrowserTimeZone(api, claims).then((zone) => {
    if (zone) {
      showNotice(`Your timezone is now ${zone}, as this browser's: reminders follow it. Change it in Settings.`);
    }
  });
  refresh();
  openLinkedPage();
  window.clearInterval(state.autoRefresh);
  state.autoRefresh = window.setInterval(() => {
    if (document.visibilityState === 'visible' && !panel.isOpen()) refresh();
  }, AUTO_REFRESH_MS);
}

function showNotice(message) {
  setAlert(els.pageNotice, message);
  announce(message);
}

/**
 * Opens what a link names, then tidies the address bar: the settings (#/settings, from the
 * unsubscribe page) or the contact a reminder email links to (#/contacts/{id}).
 */
function openLinkedPage() {
  if (SETTINGS_LINK.test(window.location.hash)) {
    history.replaceState(null, '', window.location.pathname + window.location.search);
    panel.close();
    settings.open();
    return;
  }
  const match = CONTACT_LINK.exec(window.location.hash);
  if (!match) return;
  history.replaceState(null, '', window.location.pathname + window.location.search);
  settings.close();
  let id;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    return;
  }
  openContact(id);
}

function showSignIn(message = '') {
  const wasInApp = !els.app.hidden;
  clearToken();
  panel.close();
  settings.close();
  integrations.close();
  importer.close();
  cohort.close();
  window.clearInterval(state.autoRefresh);
  state.timers.forEach((t) => window.clearTimeout(t));
  state.contacts = new Map();
  state.written = new Map();
  state.dashboard = null;
  state.loaded = false;
  state.claims = null;
  state.search = { query: '', items: null, error: null };
  els.searchInput.value = '';
  setAlert(els.pageNotice, '');
  els.app.hidden = true;
  els.session.hidden = true;
  els.signIn.hidden = false;
  els.cognitoBlock.hidden = !state.config.cognito;
  setAlert(els.signInMessage, message);
  if (wasInApp) els.signInTitle.focus();
}

els.tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = els.tokenForm.elements.namedItem('token').value.trim();
  const claims = tokenClaims(token);
  clearErrors(els.tokenForm, els.tokenAlert);
  if (!looksLikeToken(token) || isExpired(claims)) {
    const message = looksLikeToken(token)
      ? 'This token has expired. Get a new one.'
      : 'That is not a token: a token is three parts separated by dots.';
    showErrors(els.tokenForm, els.tokenAlert, {
      message: 'Please check the token.',
      fields: [{ field: 'token', message }],
    });
    return;
  }
  storeToken(token);
  els.tokenForm.reset();
  setAlert(els.signInMessage, '');
  showApp(claims);
  document.querySelector('.page-title')?.setAttribute('tabindex', '-1');
  document.querySelector('.page-title')?.focus();
});

$('cognito-sign-in-button').addEventListener('click', () => beginCognitoSignIn(state.config.cognito));

$('refresh-button').addEventListener('click', () => refresh({ announceIt: true }));

$('sign-out-button').addEventListener('click', () => {
  const logout = cognitoLogoutUrl(state.config.cognito);
  showSignIn('You are signed out.');
  if (logout) window.location.assign(logout);
});

document.querySelector('[data-testid="jump-add-contact"]').addEventListener('click', (event) => {
  event.preventDefault();
  const heading = $('add-contact-title');
  heading.scrollIntoView({ behavior: 'smooth', block: 'start' });
  document.querySelector('#add-contact-form [name="name"]')?.focus({ preventScroll: true });
});

mountAddContactForm($('add-contact-form'), $('add-contact-alert'), {
  api,
  onCreated: remember,
  noticeEl: $('add-contact-done'),
});

const settings = createSettingsDialog({
  api,
  dialog: $('settings-dialog'),
  beforeLoad: () => state.zoneOffer,
  onSaved: () => {
    // A saved form is a deliberate choice, UTC included: never replace it with the browser's.
    markTimeZoneChosen(state.claims);
    // Follow-up settings move due dates: let the board catch up.
    refreshAfterWrite();
  },
});

$('settings-button').addEventListener('click', (event) => settings.open(event.currentTarget));

const integrations = createIntegrationsDialog({ api, dialog: $('integrations-dialog') });
$('integrations-button').addEventListener('click', (event) => integrations.open(event.currentTarget));

const cohort = createCohortDialog({
  api,
  dialog: $('cohort-dialog'),
  claims: () => state.claims,
  roles: () => tokenRoles(state.claims),
});
$('cohort-button').addEventListener('click', (event) => cohort.open(event.currentTarget));

const importer = createImportDialog({
  api,
  dialog: $('import-dialog'),
  names: () => new Map([...state.contacts.values()].map((c) => [c.contact_id, c.name])),
  onImported: () => refreshAfterWrite(),
});
$('import-button').addEventListener('click', (event) => importer.open(event.currentTarget));

const search = createSearch(els.searchInput, {
  api,
  onChange(result) {
    const fresh = result.query !== state.search.query || !state.search.items;
    state.search = result;
    render();
    // Said once per new text, not at every background refresh.
    if (fresh && result.query && result.items) announce(els.searchStatus.textContent);
  },
});

for (const format of ['json', 'csv']) {
  const button = $(`export-${format}-button`);
  button.addEventListener('click', async () => {
    button.disabled = true;
    setAlert(els.pageAlert, '');
    try {
      const filename = await downloadExport(api, format);
      showNotice(`Your data is downloading as ${filename}.`);
    } catch (error) {
      if (error.status !== 401) setAlert(els.pageAlert, error.message);
    } finally {
      button.disabled = false;
    }
  });
}

async function boot() {
  takeTokenFromFragment();
  state.config = await loadConfig(new URL('assets/config.json', BASE));
  if (state.config.cognito) {
    try {
      await completeCognitoSignIn(state.config.cognito);
    } catch (error) {
      showSignIn(error.message);
      return;
    }
  }
  const token = storedToken();
  const claims = tokenClaims(token);
  if (token && claims && !isExpired(claims)) {
    showApp(claims);
  } else {
    showSignIn(token ? 'Your session has ended. Please sign in again.' : '');
  }
}

// A #token=… link opened in a tab that already shows the page changes only the fragment.
window.addEventListener('hashchange', () => {
  if (takeTokenFromFragment()) {
    const claims = tokenClaims(storedToken());
    if (claims && !isExpired(claims)) showApp(claims);
  } else if (!els.app.hidden) {
    openLinkedPage();
  }
});

boot();
