// The Settings dialog's sharing switch (GET and PUT /me/sharing): whether the cohort's coaches
// and admins see this person's contacts' names, due actions and pipeline. Off unless turned on;
// each flip is saved at once, and the words under it say what the choice shows, to whom.

import { announce, byTestId, h, setAlert } from './dom.js';

export const SHARING_OFF =
  "Your cohort's coaches and admins see only how many contacts you have at each step, counted into the cohort's totals, never names or due actions.";
export const SHARING_ON =
  "Your cohort's coaches and admins see your contacts' names, your due actions and your pipeline.";

/** Wires the sharing section of the settings dialog; `load()` reads and shows the switch. */
export function createSharingSwitch({ api, section }) {
  const body = byTestId('sharing-body', section);
  const alertEl = byTestId('sharing-alert', section);
  let loadId = 0;

  function show(sharing) {
    const on = Boolean(sharing.share_with_coaches);
    const input = h('input', {
      type: 'checkbox',
      role: 'switch',
      id: 'sharing-switch',
      'aria-describedby': 'sharing-explained',
      'data-testid': 'sharing-switch',
    });
    input.checked = on;
    const explained = h('p', { class: 'hint', id: 'sharing-explained', 'data-testid': 'sharing-explained' }, on ? SHARING_ON : SHARING_OFF);
    input.addEventListener('change', async () => {
      const wanted = input.checked;
      input.disabled = true;
      setAlert(alertEl, '');
      try {
        const saved = await api.setSharing(wanted);
        // The server's answer is the truth; a body without the field means it took the request.
        const now = typeof saved?.share_with_coaches === 'boolean' ? saved.share_with_coaches : wanted;
        show({ share_with_coaches: now });
        byTestId('sharing-switch', body)?.focus();
        announce(now ? `Sharing is on. ${SHARING_ON}` : `Sharing is off. ${SHARING_OFF}`);
      } catch (error) {
        input.checked = !wanted;
        input.disabled = false;
        if (error.status !== 401) setAlert(alertEl, error.message);
      }
    });
    body.replaceChildren(
      h(
        'div',
        { class: 'field checkbox' },
        h(
          'label',
          { class: 'radio', for: 'sharing-switch' },
          input,
          ' Share my contacts and due actions with my cohort\u2019s coaches and admins',
        ),
        explained,
        h('p', { class: 'hint' }, 'You can turn this off at any time; from then on they see only the counts again.'),
      ),
    );
  }

  async function load() {
    const mine = ++loadId;
    body.replaceChildren(h('p', { class: 'muted' }, 'Loading\u2026'));
    setAlert(alertEl, '');
    try {
      const sharing = await api.getSharing();
      if (mine === loadId) show(sharing);
    } catch (error) {
      if (mine !== loadId) return;
      body.replaceChildren();
      if (error.status !== 401) setAlert(alertEl, error.message);
    }
  }

  return { load, cancel: () => loadId++ };
}
