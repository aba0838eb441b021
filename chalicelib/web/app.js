// Entry point: sign-in, loading the board and dashboard, and keeping them fresh after writes.

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
} from './auth.js';
import { renderBoard } from './board.js';
import { announce, setAlert } from './dom.js';
import { clearErrors, showErrors } from './forms.js';
import { createContactPanel } from './panel.js';
import { renderDueActions, renderFunnel, renderUpcoming } from './summary.js';

// The page may be served below a stage prefix (/api/), so every URL is relative to it.
const BASE = new URL('.', document.baseURI);
const AUTO_REFRESH_MS = 60_000;
// The board reads projections, which trail a write by about a second: look again twice.
const AFTER_WRITE_MS = [1_000, 3_000];
// A written contact stays ahead of a lagging list at most this long.
const WRITE_WINDOW_MS = 30_000;
// Reminder emails link to a contact as #/contacts/{id}.
const CONTACT_LINK = /^#\/contacts\/([^/?#]+)$/;

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

function render() {
  renderBoard(els.board, [...state.contacts.values()], openContact);
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
      render();
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
  refresh();
  openLinkedContact();
  window.clearInterval(state.autoRefresh);
  state.autoRefresh = window.setInterval(() => {
    if (document.visibilityState === 'visible' && !panel.isOpen()) refresh();
  }, AUTO_REFRESH_MS);
}

/** Opens the contact a reminder email links to (#/contacts/{id}), then tidies the address bar. */
function openLinkedContact() {
  const match = CONTACT_LINK.exec(window.location.hash);
  if (!match) return;
  history.replaceState(null, '', window.location.pathname + window.location.search);
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
  window.clearInterval(state.autoRefresh);
  state.timers.forEach((t) => window.clearTimeout(t));
  state.contacts = new Map();
  state.written = new Map();
  state.dashboard = null;
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

mountAddContactForm($('add-contact-form'), $('add-contact-alert'), { api, onCreated: remember });

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
    openLinkedContact();
  }
});

boot();
