/* global document, location -- functions passed to page.evaluate/waitForFunction run in the page */
// Helpers shared by the e2e files (Playwright runs only *.e2e.mjs, so this is not a test file).

/** Waits until the app frame has loaded its first workspace list. */
export const ready = (page) => page.waitForSelector('.frame[data-ready="true"]', { timeout: 20_000 });

/**
 * Sends one bridge request over a socket of the page's own origin and token, as the app does;
 * resolves to the raw reply `{id, ok, result | error}`. Pushed events (onWorkspacesChanged)
 * that arrive before the reply are skipped.
 */
export function bridgeCall(page, method, arg) {
  return page.evaluate(
    async ([m, a]) => {
      // The app moves the token from the address bar into sessionStorage once it has loaded.
      const token = sessionStorage.getItem('twb.token') ?? new URLSearchParams(location.search).get('token');
      const ws = new WebSocket(`ws://${location.host}/bridge?token=${token}`);
      await new Promise((r, j) => ((ws.onopen = r), (ws.onerror = j)));
      const reply = await new Promise((r) => {
        ws.onmessage = (e) => {
          const msg = JSON.parse(e.data);
          if (msg.id === 1) r(msg);
        };
        ws.send(JSON.stringify({ id: 1, method: m, arg: a }));
      });
      ws.close();
      return reply;
    },
    [method, arg],
  );
}


/** Creates a workspace from a built-in example through the picker's "New from example…". */
export async function newFromExample(page, builtin) {
  await page.getByRole('button', { name: 'New from example…' }).click();
  await page.locator(`[data-builtin="${builtin}"]`).click();
}

/** Creates a workspace from a built-in over the bridge, reloads, and opens it from the list. */
export async function openNewWorkspace(page, name, builtin) {
  const created = await bridgeCall(page, 'workspaces.create', { name, builtin });
  if (!created.ok) throw new Error(`workspaces.create ${name}: ${JSON.stringify(created.error)}`);
  await page.reload();
  await ready(page);
  await page.getByRole('list', { name: 'Workspace list' }).getByRole('button', { name, exact: true }).click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="current-workspace"]')?.textContent === n, name);
}
