// The Logs screen in Chromium against the real plugin: filters, the exchange view, score badges,
// export (downloaded file parsed with csv-parse), delete with confirmation and progress, retention,
// and a hostile log that must stay inert on screen and neutralised in the export.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { test, expect } from './helpers/fixtures.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PAGE = '/wp-admin/admin.php?page=aipkit-usage&tab=logs';

function seed(...args) {
	const out = execFileSync(path.join(ROOT, 'bin/site-php'), [path.join(ROOT, 'tests/php/Logs/fixtures/browser-seed.php'), ...args], {
		env: { ...process.env, AIPKIT_WP_DIR: process.env.AIPKIT_E2E_WP_DIR || path.resolve(ROOT, process.env.AIPKIT_LOCAL_DIR || '.local', 'e2e-wordpress') },
		encoding: 'utf8',
	});
	return JSON.parse(out.slice(out.indexOf('{')));
}

const rows = (page) => page.locator('.aipkit-logs__row');

async function openLogs(page) {
	await page.goto(PAGE);
	await expect(page.getByRole('heading', { name: 'Conversation Logs' })).toBeVisible();
	await expect(rows(page).first()).toBeVisible();
}

async function action(page, name) {
	await page.getByRole('button', { name: 'Log actions' }).click();
	await page.getByRole('menuitem', { name }).click();
}

test.beforeEach(() => {
	seed();
});

test('filters narrow the conversation list', async ({ admin: page }) => {
	await openLogs(page);
	await expect(rows(page)).toHaveCount(3);
	await page.getByLabel('Module').selectOption('ai_forms');
	await expect(rows(page)).toHaveCount(1);
	await expect(rows(page).first()).toContainText('form request two');
	await page.getByLabel('Module').selectOption('');
	await page.getByLabel('Date range').selectOption('30');
	await expect(rows(page)).toHaveCount(2);
	await page.getByLabel('Bot', { exact: true }).selectOption('__none__');
	await expect(rows(page)).toHaveCount(0);
	await page.getByLabel('Date range').selectOption('');
	await expect(rows(page)).toHaveCount(1);
	await expect(rows(page).first()).toContainText('an old question');
	await page.getByLabel('Bot', { exact: true }).selectOption('');
	await page.getByLabel('Search logs').fill('form');
	await expect(rows(page)).toHaveCount(1);
	await page.getByLabel('Search logs').fill('zzzz-nothing');
	await expect(page.locator('.aipkit-logs__empty')).toHaveText('No logs match these filters.');
});

test('a hostile log renders inert; the exchange view and score badge show everything as text', async ({ admin: page }) => {
	await openLogs(page);
	await page.getByLabel('Module').selectOption('chatbot');
	await page.getByLabel('Bot', { exact: true }).selectOption('e2e-bot');
	await expect(rows(page)).toHaveCount(1);
	const row = rows(page).first();
	await expect(row).toContainText('Guest e2egue');
	await row.locator('.aipkit-logs__open').click();
	const modal = page.locator('.aipkit-logs-conversation');
	await expect(modal.locator('.aipkit-logs-exchange')).toHaveCount(2);
	const first = modal.locator('.aipkit-logs-exchange').first();
	await expect(first.locator('.is-user .aipkit-logs-msg__text')).toHaveText(
		'<script>window.__aipkitXss=1</script><img src=x onerror="window.__aipkitXss=2">'
	);
	await expect(first.locator('.is-assistant .aipkit-logs-msg__text')).toHaveText('=HYPERLINK("http://evil.example","click")');
	await expect(modal.locator('img, script')).toHaveCount(0);
	await expect(first).toContainText('Provider: openai');
	await expect(first).toContainText('Model: gpt-4o-mini');
	await expect(first).toContainText('Tokens: 100 in / 50 out');
	await expect(first).toContainText('Status: ok');
	await expect(first).toContainText('Time: 1234 ms');
	await expect(first).toContainText('Credits: 0.150000');
	expect(await page.evaluate(() => window.__aipkitXss)).toBeUndefined();

	const badge = first.locator('.aipkit-logs-score__badge');
	await expect(badge).toHaveText('Score 91%');
	await expect(badge).toHaveClass(/is-strong/);
	// The second exchange used no vector context: no badge.
	await expect(modal.locator('.aipkit-logs-exchange').nth(1).locator('.aipkit-logs-score__badge')).toHaveCount(0);
	await badge.click();
	const items = page.locator('.aipkit-logs-score__item');
	await expect(items).toHaveCount(2);
	await expect(items.nth(0)).toContainText('pinecone');
	await expect(items.nth(0)).toContainText('kb/returns.md');
	await expect(items.nth(0)).toContainText('91% — Strong match.');
	await expect(items.nth(0)).toContainText('Returns are accepted within <b>30</b> days.');
	await expect(items.nth(1)).toContainText('42% — Poor match.');
	await expect(items.nth(1)).toHaveClass(/is-poor/);
	expect(await page.evaluate(() => window.__aipkitXss)).toBeUndefined();
});

test('export downloads a CSV of the filtered exchanges with formulas neutralised', async ({ admin: page }) => {
	await openLogs(page);
	await page.getByLabel('Module').selectOption('chatbot');
	await expect(rows(page)).toHaveCount(2);
	const [download] = await Promise.all([page.waitForEvent('download'), action(page, 'Export logs')]);
	// bin/test-browser names the site "AIPKit Usage (e2e)".
	expect(download.suggestedFilename()).toMatch(/^aipkit-usage-e2e-logs-\d{4}-\d{2}-\d{2}\.csv$/);
	const bytes = readFileSync(await download.path());
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const records = parse(bytes, { bom: true, relax_column_count: false });
	expect(records[0]).toEqual([
		'Log ID', 'Conversation ID', 'Date (UTC)', 'Module', 'Bot', 'User', 'Provider', 'Model',
		'Input tokens', 'Output tokens', 'Credits', 'Top vector score (%)', 'User message', 'Reply',
	]);
	const data = records.slice(1);
	expect(data).toHaveLength(3); // the two hostile-conversation exchanges + the old one, all chatbot
	expect(data.map((r) => r[3])).toEqual(['chatbot', 'chatbot', 'chatbot']);
	const hostile = data.find((r) => r[12].includes('__aipkitXss'));
	expect(hostile[13]).toBe('\'=HYPERLINK("http://evil.example","click")');
	expect(hostile[11]).toBe('91.00');
	expect(hostile[2]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('delete logs states what will go, confirms, shows progress and removes exactly that', async ({ admin: page }) => {
	await openLogs(page);
	await page.getByLabel('Module').selectOption('ai_forms');
	await expect(rows(page)).toHaveCount(1);
	await action(page, 'Delete logs');
	const dialog = page.locator('.aipkit-logs-delete');
	await expect(dialog.locator('.aipkit-logs-delete__summary')).toHaveText(
		'This permanently deletes 2 exchanges in 1 conversation matching the active filters.'
	);
	// Cancelling deletes nothing.
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await expect(rows(page)).toHaveCount(1);
	await action(page, 'Delete logs');
	await dialog.getByRole('button', { name: 'Delete logs' }).click();
	await expect(dialog.locator('.aipkit-logs-delete__progress-text')).toHaveText('Deleted 2 of 2 exchanges.');
	// The dialog's own "Close" button (newer WordPress also names the title bar's icon button "Close").
	await dialog.locator('button.is-primary', { hasText: /^Close$/ }).click();
	await expect(page.locator('.aipkit-logs__empty')).toBeVisible();
	await page.getByLabel('Module').selectOption('');
	await expect(rows(page)).toHaveCount(2);
});

test('set retention saves the toggle, a preset or a custom number of days', async ({ admin: page }) => {
	await openLogs(page);
	await action(page, 'Set retention');
	const dialog = page.locator('.aipkit-logs-retention');
	await expect(dialog).toContainText('No purge has run yet.');
	const toggle = dialog.getByLabel('Auto-delete logs');
	if (!(await toggle.isChecked())) await toggle.check();
	await dialog.getByLabel('Delete logs older than').selectOption('14');
	await dialog.getByRole('button', { name: 'Save' }).click();
	await expect(dialog).toContainText('Retention saved.');
	await dialog.getByLabel('Delete logs older than').selectOption('custom');
	await dialog.getByLabel('Number of days').fill('0');
	await dialog.getByRole('button', { name: 'Save' }).click();
	await expect(dialog).toContainText('Enter a whole number of days from 1 to 3650.');
	await dialog.getByLabel('Number of days').fill('45');
	await dialog.getByRole('button', { name: 'Save' }).click();
	await expect(dialog).toContainText('Retention saved.');
	await page.reload();
	await expect(rows(page).first()).toBeVisible();
	await action(page, 'Set retention');
	await expect(dialog.getByLabel('Auto-delete logs')).toBeChecked();
	await expect(dialog.getByLabel('Delete logs older than')).toHaveValue('custom');
	await expect(dialog.getByLabel('Number of days')).toHaveValue('45');
});

test('a long conversation is read to its end with Load more', async ({ admin: page }) => {
	seed('--long=205');
	await openLogs(page);
	await page.getByLabel('Bot', { exact: true }).selectOption('e2e-long');
	await expect(rows(page)).toHaveCount(1);
	await rows(page).first().locator('.aipkit-logs__open').click();
	const modal = page.locator('.aipkit-logs-conversation');
	const exchanges = modal.locator('.aipkit-logs-exchange');
	await expect(exchanges).toHaveCount(200);
	await expect(modal.locator('.aipkit-logs-conversation__count')).toHaveText('Showing 200 of 205 exchanges.');
	await modal.getByRole('button', { name: 'Load more' }).click();
	await expect(exchanges).toHaveCount(205);
	await expect(modal.locator('.aipkit-logs-conversation__count')).toHaveText('Showing 205 of 205 exchanges.');
	await expect(modal.getByRole('button', { name: 'Load more' })).toHaveCount(0);
	await expect(exchanges.first().locator('.is-user .aipkit-logs-msg__text')).toHaveText('longconv 1');
	await expect(exchanges.last().locator('.is-user .aipkit-logs-msg__text')).toHaveText('longconv 205');
});

test('each row shows time, source, user name or Guest + key, exchanges, tokens, credits and the last message; page size is remembered', async ({ admin: page }) => {
	seed('--named');
	await openLogs(page);
	const cells = (row) => row.locator('td');
	const named = rows(page).filter({ hasText: 'named question 2' });
	await expect(cells(named)).toHaveText([/\d/, 'e2e-namedChatbot', 'admin', '3', '63', '0.000375', 'named question 2']);
	const guest = rows(page).filter({ hasText: 'second question' });
	await expect(cells(guest)).toHaveText([/\d/, 'e2e-botChatbot', 'Guest e2egue', '2', '300', '0.300000', 'second question']);
	// Newest first: the named conversation's last exchange is the newest.
	await expect(rows(page).first()).toContainText('named question 2');
	// A conversation with no bot shows its module as the source.
	await expect(cells(rows(page).filter({ hasText: 'an old question' })).nth(1)).toHaveText('Chatbot (no bot)');

	const perPage = page.getByLabel('Per page');
	await expect(perPage).toHaveValue('20');
	await Promise.all([page.waitForRequest(/per_page=10\b/), perPage.selectOption('10')]);
	const listed = page.waitForRequest(/aipkit\/v1\/logs(&|\?|%3F)[^/]*per_page=10\b/);
	await page.reload();
	await listed;
	await expect(page.getByLabel('Per page')).toHaveValue('10');
	await page.getByLabel('Per page').selectOption('20');
});

test('Set retention shows when the last purge ran and how many rows it removed', async ({ admin: page }) => {
	const { purge } = seed('--purge=30'); // the 45-day-old exchange goes
	expect(purge.removed).toBe(1);
	await openLogs(page);
	await expect(rows(page)).toHaveCount(2);
	await action(page, 'Set retention');
	const dialog = page.locator('.aipkit-logs-retention');
	// Site time with its zone shown (the one time convention of every screen).
	const day = purge.last_run.slice(0, 10);
	await expect(dialog.locator('.aipkit-logs-retention__status')).toHaveText(
		new RegExp(`^Last purge: ${day} \\d\\d:\\d\\d:\\d\\d UTC(?:[+−]\\d\\d:\\d\\d)?, 1 row removed\\.$`)
	);
	await expect(dialog.getByLabel('Auto-delete logs')).toBeChecked();
	await expect(dialog.getByLabel('Delete logs older than')).toHaveValue('30');
});

test('export and delete with a forged or missing nonce, or without the capability, get a specific error and change nothing', async ({ admin: page, loginAs }) => {
	// Three logins, a CLI seed and ten requests, all of which progress: on a loaded 2-core machine (the FFI-off
	// pass ran beside six other builds) a single wp-admin login took 16 s and the test ran past 60 s.
	test.setTimeout(180_000);
	await openLogs(page);
	await expect(rows(page)).toHaveCount(3);
	const exportUrl = (nonce, extra = '') => `/?rest_route=/aipkit/v1/logs/export${extra}&_wpnonce=${nonce}`;
	const del = (headers) => page.request.post('/?rest_route=/aipkit/v1/logs/delete', { headers, data: { max_id: 999999999 } });
	const expectError = async (res, status, code) => {
		expect(res.status()).toBe(status);
		expect(res.headers()['content-type']).toMatch(/application\/json/);
		expect(res.headers()['content-disposition']).toBeUndefined();
		expect((await res.json()).code).toBe(code);
	};

	await expectError(await page.request.get(exportUrl('forged0000')), 403, 'rest_cookie_invalid_nonce');
	await expectError(await del({ 'X-WP-Nonce': 'forged0000' }), 403, 'rest_cookie_invalid_nonce');
	// No nonce: WordPress treats the cookie as not logged in.
	await expectError(await page.request.get('/?rest_route=/aipkit/v1/logs/export'), 401, 'rest_forbidden');
	await expectError(await del({}), 401, 'rest_forbidden');
	// A real nonce with a filter outside the allowed set.
	const nonce = await page.evaluate(() => window.wp.apiFetch.nonceMiddleware.nonce);
	const bad = await page.request.get(exportUrl(nonce, '&range=8'));
	await expectError(bad, 400, 'aipkit_invalid_filter');
	const badSearch = await page.request.get(exportUrl(nonce, '&search=%FF%FE'));
	await expectError(badSearch, 400, 'aipkit_invalid_filter');

	seed('--subscriber=e2e-sub-password');
	await loginAs('e2e-logs-sub', 'e2e-sub-password');
	const subNonce = (await (await page.request.get('/wp-admin/admin-ajax.php?action=rest-nonce')).text()).trim();
	expect(subNonce).toMatch(/^[0-9a-f]{10}$/);
	await expectError(await page.request.get(exportUrl(subNonce)), 403, 'rest_forbidden');
	await expectError(await del({ 'X-WP-Nonce': subNonce }), 403, 'rest_forbidden');
	await expectError(await page.request.get(`/?rest_route=/aipkit/v1/logs/count&_wpnonce=${subNonce}`), 403, 'rest_forbidden');

	await loginAs(process.env.AIPKIT_E2E_USER || 'admin', process.env.AIPKIT_E2E_PASSWORD || 'e2e-password');
	await openLogs(page);
	await expect(rows(page)).toHaveCount(3);
});

// ---------------------------------------------------------------- issue 12 items 7–10

test('after deleting the selected bot\'s logs the screen shows that filter\'s empty state', async ({ admin: page }) => {
	await openLogs(page);
	const bot = page.getByLabel('Bot', { exact: true });
	await bot.selectOption('e2e-form');
	await expect(rows(page)).toHaveCount(1);
	await action(page, 'Delete logs');
	const dialog = page.locator('.aipkit-logs-delete');
	await dialog.getByRole('button', { name: 'Delete logs' }).click();
	await expect(dialog.locator('.aipkit-logs-delete__progress-text')).toHaveText('Deleted 2 of 2 exchanges.');
	await dialog.locator('button.is-primary', { hasText: /^Close$/ }).click();
	await expect(page.locator('.components-notice.is-error')).toHaveCount(0);
	await expect(page.getByText('Unknown chatbot.')).toHaveCount(0);
	await expect(page.locator('.aipkit-logs__empty')).toContainText('No logs for e2e-form.');
	// The filter still says which bot it is.
	await expect(bot).toHaveValue('e2e-form');
	await page.locator('.aipkit-logs__empty').getByRole('button', { name: 'Show all bots' }).click();
	await expect(bot).toHaveValue('');
	await expect(rows(page)).toHaveCount(2);
});

test('closing the delete dialog mid-way asks whether to stop, then says what was deleted', async ({ admin: page }) => {
	seed('--long=2500');
	// Each batch answers late (the server still does the work), so there is time to close mid-way.
	await page.route(/logs\/delete/, async (route) => {
		await new Promise((r) => setTimeout(r, 1500));
		await route.continue();
	});
	await openLogs(page);
	await page.getByLabel('Bot', { exact: true }).selectOption('e2e-long');
	await expect(rows(page)).toHaveCount(1);
	await action(page, 'Delete logs');
	const dialog = page.locator('.aipkit-logs-delete');
	await expect(dialog.locator('.aipkit-logs-delete__summary')).toContainText('2500 exchanges in 1 conversation');
	await dialog.getByRole('button', { name: 'Delete logs' }).click();
	await expect(dialog.locator('.aipkit-logs-delete__progress-text')).toBeVisible();
	await page.keyboard.press('Escape');
	const ask = dialog.getByRole('alertdialog', { name: 'Stop deleting?' });
	await expect(ask).toBeVisible();
	// "Keep deleting" carries on…
	await ask.getByRole('button', { name: 'Keep deleting' }).click();
	await expect(ask).toHaveCount(0);
	await expect(dialog.locator('.aipkit-logs-delete__progress-text')).toHaveText('Deleted 1000 of 2500 exchanges.');
	// …closing again and "Stop" ends after the batch in flight.
	await dialog.getByRole('button', { name: 'Close' }).first().click();
	await dialog.getByRole('alertdialog').getByRole('button', { name: 'Stop' }).click();
	const stopped = dialog.locator('.aipkit-logs-delete__stopped');
	await expect(stopped).toHaveText('Stopped. 2000 of 2500 matching exchanges were deleted; 500 were kept.');
	await dialog.locator('button.is-primary', { hasText: /^Close$/ }).click();
	await expect(page.locator('.components-notice.is-success')).toContainText('Deleting stopped: 2000 exchanges were deleted, the rest were kept.');
	await expect(rows(page)).toHaveCount(1);
	await expect(rows(page).first().locator('td').nth(3)).toHaveText('500');
});

test('bots show names with their id, grouped by module, in the filter and the list', async ({ admin: page }) => {
	await openLogs(page);
	const bot = page.getByLabel('Bot', { exact: true });
	// The bot list arrives with the catalog, after the first rows: read it once it is there.
	await expect(bot.locator('optgroup option', { hasText: 'Demo Image Generator (demo-images)' })).toBeAttached();
	await expect(bot.locator('optgroup option', { hasText: 'e2e-form' })).toBeAttached();
	const groups = await bot.locator('optgroup').evaluateAll((els) =>
		Object.fromEntries(els.map((g) => [g.label, [...g.querySelectorAll('option')].map((o) => o.textContent)]))
	);
	// Registered by the demo module through aipkit_usage_bots (names), plus bots seen in logs (ids).
	expect(groups.Chatbot).toEqual(expect.arrayContaining(['Demo Support Bot (demo-support)', 'Demo Sales Bot (demo-sales)', 'e2e-bot']));
	expect(groups['AI Forms']).toEqual(expect.arrayContaining(['Demo Product Description Form (demo-form)', 'e2e-form']));
	expect(groups['Image Generator']).toEqual(['Demo Image Generator (demo-images)']);
	expect(groups.Chatbot).not.toContain('Demo Product Description Form (demo-form)');
	const source = rows(page).filter({ hasText: 'form request two' }).locator('.aipkit-logs__source');
	await expect(source.locator('.aipkit-logs__module')).toHaveText('AI Forms');
});

test('the exchange view has a header: user, module, bot, conversation id, first and last time', async ({ admin: page }) => {
	await openLogs(page);
	await rows(page).filter({ hasText: 'second question' }).locator('.aipkit-logs__open').click();
	const header = page.locator('.aipkit-logs-conversation__header');
	await expect(header).toBeVisible();
	const facts = await header.evaluate((dl) => {
		const out = {};
		const dts = dl.querySelectorAll('dt');
		dts.forEach((dt) => { out[dt.textContent] = dt.nextElementSibling.textContent; });
		return out;
	});
	expect(facts.User).toBe('Guest e2egue');
	expect(facts.Module).toBe('Chatbot');
	expect(facts.Bot).toBe('e2e-bot');
	expect(facts['Conversation ID']).toBe('hostile');
	expect(facts['First message']).toMatch(/\d/);
	expect(facts['Last message']).toMatch(/\d/);
	expect(facts['First message']).not.toBe(facts['Last message']); // 60 s and 30 s ago
	// Each exchange names its own user.
	await expect(page.locator('.aipkit-logs-exchange .aipkit-logs-msg__who').first()).toHaveText('Guest e2egue');
});

test('search results show the matching exchange with the words marked, and how many conversations match', async ({ admin: page }) => {
	seed('--booking');
	await openLogs(page);
	const search = page.getByLabel('Search logs');
	// A short booking code, in an older exchange: the match is shown, not the newest message.
	await search.fill('QX-7');
	await expect(rows(page)).toHaveCount(1);
	const cell = rows(page).first().locator('.aipkit-logs__open');
	await expect(cell).toContainText('Where is my booking QX-7?');
	await expect(cell.locator('mark')).toHaveText(['QX', '7']);
	await expect(page.locator('.aipkit-logs__match-count')).toHaveText('1 conversation matches this search.');
	// A word in the first exchange of a two-exchange conversation.
	await search.fill('one');
	await expect(rows(page)).toHaveCount(1);
	await expect(rows(page).first().locator('.aipkit-logs__open')).toContainText('form request one');
	await expect(rows(page).first().locator('mark')).toHaveText(['one']);
	// Hostile text is escaped first, then marked: no element comes out of the log text.
	await search.fill('script');
	await expect(rows(page)).toHaveCount(1);
	await expect(rows(page).first().locator('mark').first()).toHaveText('script');
	await expect(page.locator('.aipkit-logs__table script, .aipkit-logs__table img')).toHaveCount(0);
	expect(await page.evaluate(() => window.__aipkitXss)).toBeUndefined();
	// Several matches are counted.
	await search.fill('booking');
	await expect(rows(page)).toHaveCount(2);
	await expect(page.locator('.aipkit-logs__match-count')).toHaveText('2 conversations match this search.');
	await expect(page.getByRole('button', { name: 'Keep searching' })).toHaveCount(0);
});
