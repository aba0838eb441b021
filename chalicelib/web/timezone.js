// Timezones: the names the settings offer, and the browser's zone saved once for a user who
// never chose one (the server starts everyone at "UTC", which is nobody's wall clock).

const MARKER = 'rapport.timezone-offered';
// Names of UTC itself: a browser in one of them has nothing better to offer than the default.
const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu']);

export function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

function offsetOf(zone) {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' }).formatToParts();
    return parts.find((p) => p.type === 'timeZoneName')?.value || '';
  } catch {
    return '';
  }
}

function optionFor(name) {
  const offset = offsetOf(name);
  const text = name.replace(/_/g, ' ');
  return [name, offset ? `${text} (${offset})` : text];
}

// Some 400 zones, each with its offset: built once per page.
let cached = null;

/** [name, text] pairs for a <select>: UTC first, then every IANA zone the browser knows. */
export function timeZoneOptions(...mustHave) {
  if (!cached) {
    let names = [];
    try {
      names = Intl.supportedValuesOf('timeZone');
    } catch {
      names = [];
    }
    cached = [...new Set(names)].filter((n) => n !== 'UTC').sort().map(optionFor);
  }
  // The saved zone and the browser's may be aliases the list leaves out (Asia/Calcutta).
  const known = new Set(cached.map(([name]) => name));
  const extra = [...new Set(mustHave)].filter((n) => n && n !== 'UTC' && !known.has(n));
  return [optionFor('UTC'), ...extra.map(optionFor), ...cached];
}

function markerKey(claims) {
  const tenant = claims?.tenant_id || claims?.['custom:tenant_id'];
  return claims?.sub && tenant ? `${MARKER}:${tenant}:${claims.sub}` : null;
}

function hasMarker(key) {
  try {
    return localStorage.getItem(key) !== null;
  } catch {
    // No storage: "only once" cannot be kept, so never offer.
    return true;
  }
}

/** Remembers (in this browser) that this user's zone was offered or chosen: never offer again. */
export function markTimeZoneChosen(claims) {
  const key = markerKey(claims);
  try {
    if (key) localStorage.setItem(key, new Date().toISOString());
  } catch {
    // Storage refused: the next sign-in may look again, and finds the zone already saved.
  }
}

/**
 * On sign-in: when the user's timezone is still the server's "UTC" default and this browser is
 * elsewhere, saves the browser's zone, once. The marker keeps a later, deliberate choice of UTC
 * from ever being overwritten. Resolves to the zone saved, or null when nothing was saved.
 */
export async function offerBrowserTimeZone(api, claims) {
  const zone = browserTimeZone();
  const key = markerKey(claims);
  if (!zone || UTC_NAMES.has(zone) || !key || hasMarker(key)) return null;
  try {
    const settings = await api.getSettings();
    if (settings.timezone !== 'UTC') {
      // Chosen already (perhaps in another browser): leave it, and do not look again.
      markTimeZoneChosen(claims);
      return null;
    }
    const saved = await api.updateSettings({ timezone: zone });
    markTimeZoneChosen(claims);
    return saved.timezone;
  } catch (error) {
    // A zone the server does not accept will not be accepted next time either; a network
    // failure or a 5xx may pass, so that case is tried again at the next sign-in.
    if (error && error.retryable === false && error.status !== 401) markTimeZoneChosen(claims);
    return null;
  }
}
