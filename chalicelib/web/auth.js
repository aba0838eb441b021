// Who is signed in: a pasted token (local), a #token=… link (the dev runner prints one), or a
// Cognito hosted-UI login with the authorization-code flow and PKCE (deployed).

const TOKEN_KEY = 'rapport.token';
const PKCE_KEY = 'rapport.pkce';

export class AuthError extends Error {}

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token.trim());
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

function base64UrlDecode(part) {
  const padded = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

function base64UrlEncode(bytes) {
  let binary = '';
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The claims of a JWT, unverified: only to show who is signed in and spot expiry early. */
export function tokenClaims(token) {
  const parts = (token || '').trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(base64UrlDecode(parts[1]));
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

/** The roles a token's claims name: `roles` (local tokens) or `cognito:groups` (deployed). */
export function tokenRoles(claims) {
  const roles = new Set();
  for (const claim of [claims?.roles, claims?.['cognito:groups']]) {
    if (Array.isArray(claim)) claim.forEach((role) => roles.add(String(role)));
    else if (typeof claim === 'string' && claim) claim.split(/[\s,]+/).forEach((role) => role && roles.add(role));
  }
  return roles;
}

export function looksLikeToken(token) {
  return tokenClaims(token) !== null;
}

export function isExpired(claims, now = Date.now()) {
  return typeof claims?.exp === 'number' && claims.exp * 1000 <= now;
}

/** Moves a token from the URL fragment (#token=…) into session storage, out of the address bar. */
export function takeTokenFromFragment() {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (!token) return false;
  storeToken(token);
  history.replaceState(null, '', window.location.pathname + window.location.search);
  return true;
}

/** The page's optional config.json; its `cognito` entry switches sign-in to the hosted UI. */
export async function loadConfig(url) {
  try {
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) return {};
    const config = await response.json();
    return config && typeof config === 'object' ? config : {};
  } catch {
    return {};
  }
}

function cognitoOrigin(cognito) {
  const domain = String(cognito.domain).replace(/\/+$/, '');
  return /^https?:\/\//.test(domain) ? domain : `https://${domain}`;
}

function randomString(byteCount) {
  return base64UrlEncode(crypto.getRandomValues(new Uint8Array(byteCount)));
}

/** Sends the browser to the hosted UI, remembering the PKCE verifier and state for the return. */
export async function beginCognitoSignIn(cognito) {
  const verifier = randomString(48);
  const state = randomString(16);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const url = new URL('/oauth2/authorize', cognitoOrigin(cognito));
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: cognito.client_id,
    redirect_uri: cognito.redirect_uri,
    scope: cognito.scope || 'openid email profile',
    state,
    code_challenge: base64UrlEncode(digest),
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
}

/**
 * Finishes a hosted-UI login when the URL carries ?code=…&state=…: exchanges the code for
 * tokens and keeps the ID token (the API reads the tenant from its custom:tenant_id claim).
 * Resolves to true if a login was completed, false if there was none to complete.
 */
export async function completeCognitoSignIn(cognito) {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  const returnedState = params.get('state');
  if (params.get('error')) {
    cleanQuery();
    throw new AuthError(params.get('error_description') || 'Sign-in was cancelled.');
  }
  if (!code) return false;
  const pending = JSON.parse(sessionStorage.getItem(PKCE_KEY) || 'null');
  sessionStorage.removeItem(PKCE_KEY);
  cleanQuery();
  if (!pending || pending.state !== returnedState) {
    throw new AuthError('That sign-in link is stale. Please sign in again.');
  }
  let response;
  try {
    response = await fetch(new URL('/oauth2/token', cognitoOrigin(cognito)), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: cognito.client_id,
        code,
        redirect_uri: cognito.redirect_uri,
        code_verifier: pending.verifier,
      }),
    });
  } catch {
    throw new AuthError('Could not reach the sign-in service. Please try again.');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.id_token) {
    throw new AuthError(body.error_description || 'Sign-in failed. Please try again.');
  }
  storeToken(body.id_token);
  return true;
}

function cleanQuery() {
  history.replaceState(null, '', window.location.pathname);
}

/** Where to send the browser to end the hosted-UI session too, or null in token mode. */
export function cognitoLogoutUrl(cognito) {
  if (!cognito) return null;
  const url = new URL('/logout', cognitoOrigin(cognito));
  url.search = new URLSearchParams({
    client_id: cognito.client_id,
    logout_uri: cognito.logout_uri || cognito.redirect_uri,
  }).toString();
  return url.toString();
}
