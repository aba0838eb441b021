// The board's search box: after a pause in typing, the server says which contacts match
// (GET /contacts?q=…, case- and accent-insensitive there); an emptied box shows everyone again.

const DEBOUNCE_MS = 250;
// The API takes 1–100 characters.
const MAX_LENGTH = 100;

/**
 * Wires `input`. `onChange({query, items, error})` runs with the matches of the current text
 * (`items` null and `query` '' when the box is empty); answers to older text are dropped.
 */
export function createSearch(input, { api, onChange }) {
  let query = '';
  let asked = 0;
  let timer = 0;
  input.maxLength = MAX_LENGTH;

  async function run() {
    const mine = ++asked;
    if (!query) {
      onChange({ query: '', items: null, error: null });
      return;
    }
    const q = query;
    try {
      const items = await api.listAllContacts({ q });
      if (mine === asked) onChange({ query: q, items, error: null });
    } catch (error) {
      if (mine === asked) onChange({ query: q, items: null, error });
    }
  }

  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    query = input.value.trim().slice(0, MAX_LENGTH);
    // Emptied: the whole board at once. Typing: wait for a pause, so one request per word.
    if (!query) run();
    else timer = window.setTimeout(run, DEBOUNCE_MS);
  });

  return {
    /** Asks again for the current text (after a write or a refresh); nothing when empty. */
    rerun: () => (query ? run() : Promise.resolve()),
    get query() {
      return query;
    },
  };
}
