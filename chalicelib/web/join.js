// The join page (an invitation link, pages/join.html): the server names the tenant and who
// invited in the page; this script joins. Locally (the dev stack) POST join?token=… answers
// with a token for the new user, kept as the dashboard keeps one; deployed, the person signs
// up with Cognito (SignUp, then ConfirmSignUp with the emailed code), the invitation's token
// going along as ClientMetadata so the pool's trigger puts them in the invitation's tenant.

import { storeToken } from './auth.js';
import { formatDateTime } from './format.js';

const COGNITO_TARGET = 'AWSCognitoIdentityProviderService';
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const UNREACHABLE = 'Could not reach the server. Check your connection and try again.';

const root = document.querySelector('[data-testid="join"]');
const alertEl = document.getElementById('join-alert');
const noticeEl = document.getElementById('join-notice');

function setMessage(el, message) {
  el.textContent = message || '';
  el.hidden = !message;
}

function say(message) {
  const region = document.getElementById('live-status');
  if (region) region.textContent = message;
}

/** The dashboard: the folder this page is served from (/ locally, the stage's prefix deployed). */
function dashboardUrl() {
  return new URL('./', document.baseURI);
}

async function busy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.removeAttribute('aria-busy');
  }
}

// -- local: the dev stack answers POST join?token=… with the new user's token ------------------

async function joinLocally(token, button) {
  setMessage(alertEl, '');
  const url = new URL('join', document.baseURI);
  url.searchParams.set('token', token);
  let response;
  try {
    response = await fetch(url, { method: 'POST', headers: { Accept: 'application/json' }, cache: 'no-store' });
  } catch {
    button.disabled = false;
    setMessage(alertEl, UNREACHABLE);
    return;
  }
  const body = await response.json().catch(() => null);
  if (response.status === 201 && typeof body?.token === 'string' && body.token) {
    storeToken(body.token);
    say('You have joined. Opening your dashboard…');
    // Replace: Back should not return to a link that has been used.
    window.location.replace(dashboardUrl());
    return;
  }
  const message = body?.error?.message || `Joining failed (the server answered ${response.status}).`;
  setMessage(alertEl, message);
  // A 400 is final (used, revoked, expired or forged): nobody joins with this link. Anything
  // else may work on a second try.
  if (response.status === 400) button.hidden = true;
  else button.disabled = false;
}

// -- deployed: Cognito's public sign-up API, straight from the browser ------------------------

function cognitoCaller(region, clientId) {
  return async function call(action, body) {
    let response;
    try {
      response = await fetch(`https://cognito-idp.${region}.amazonaws.com/`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': `${COGNITO_TARGET}.${action}`,
        },
        body: JSON.stringify({ ClientId: clientId, ...body }),
      });
    } catch {
      throw new Error('Could not reach the sign-up service. Check your connection and try again.');
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(answer.message || answer.Message || `Sign-up failed (${answer.__type || response.status}).`);
    }
    return answer;
  };
}

function mountCognito(data) {
  const signup = document.getElementById('signup-form');
  const confirm = document.getElementById('confirm-form');
  if (!REGION.test(data.cognitoRegion || '') || !data.cognitoClientId) {
    setMessage(alertEl, 'Sign-up is not available right now. Ask whoever invited you.');
    signup.hidden = true;
    return;
  }
  const call = cognitoCaller(data.cognitoRegion, data.cognitoClientId);
  const email = data.email;
  const metadata = { invite_token: data.token };

  function showConfirm(delivery) {
    signup.hidden = true;
    confirm.hidden = false;
    const where = delivery?.Destination ? ` to ${delivery.Destination}` : ` to ${email}`;
    document.getElementById('confirm-code-hint').textContent =
      `We emailed a code${where}. It may take a minute to arrive.`;
    confirm.elements.namedItem('code').focus();
  }

  function finish() {
    setMessage(noticeEl, 'Your account is ready. Sign in with your address and password.');
    say('Your account is ready. Opening Rapport to sign in…');
    window.location.assign(dashboardUrl());
  }

  signup.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = signup.querySelector('button[type="submit"]');
    const password = signup.elements.namedItem('password').value;
    setMessage(alertEl, '');
    if (!password) {
      setMessage(alertEl, 'Choose a password.');
      signup.elements.namedItem('password').focus();
      return;
    }
    await busy(button, async () => {
      try {
        const answer = await call('SignUp', {
          Username: email,
          Password: password,
          UserAttributes: [{ Name: 'email', Value: email }],
          ClientMetadata: metadata,
        });
        if (answer.UserConfirmed) finish();
        else showConfirm(answer.CodeDeliveryDetails);
      } catch (error) {
        setMessage(alertEl, error.message);
      } finally {
        button.disabled = false;
      }
    });
  });

  confirm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = confirm.querySelector('button[type="submit"]');
    const code = confirm.elements.namedItem('code').value.trim();
    setMessage(alertEl, '');
    if (!code) {
      setMessage(alertEl, 'Enter the code from the email.');
      return;
    }
    await busy(button, async () => {
      try {
        await call('ConfirmSignUp', { Username: email, ConfirmationCode: code, ClientMetadata: metadata });
        finish();
      } catch (error) {
        setMessage(alertEl, error.message);
      } finally {
        button.disabled = false;
      }
    });
  });

  document.getElementById('resend-code').addEventListener('click', async (event) => {
    const button = event.currentTarget;
    setMessage(alertEl, '');
    await busy(button, async () => {
      try {
        const answer = await call('ResendConfirmationCode', { Username: email, ClientMetadata: metadata });
        showConfirm(answer.CodeDeliveryDetails);
        setMessage(noticeEl, 'A new code is on its way.');
      } catch (error) {
        setMessage(alertEl, error.message);
      } finally {
        button.disabled = false;
      }
    });
  });
}

function showLocalTimes() {
  for (const el of document.querySelectorAll('time[datetime]')) {
    const text = formatDateTime(el.getAttribute('datetime'));
    if (text) el.textContent = text;
  }
}

function boot() {
  showLocalTimes();
  if (!root) return; // an invalid link: the page says why, there is nothing to do
  const data = root.dataset;
  if (data.mode === 'cognito') {
    mountCognito(data);
    return;
  }
  const button = document.getElementById('join-button');
  button.addEventListener('click', () => busy(button, () => joinLocally(data.token, button)));
}

boot();
