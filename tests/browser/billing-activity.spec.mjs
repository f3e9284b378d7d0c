// Billing > Activity and Pricing in a real Chromium against the seeded e2e site (issue 12 items
// 1–5, 12–15): the CSV export downloads the filtered ledger, the cards follow the filters and
// account for reductions, the chart covers every day with a table alternative, users are picked
// by name or email, times are site time with the zone, provider/model are searchable comboboxes,
// models charged without a rule are listed with "Create rule", the sample charge left Pricing;
// the first view is one request (issue 12 item 6).
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { test, expect } from './helpers/fixtures.mjs';

const BILLING = '/wp-admin/admin.php?page=aipkit-usage&tab=billing';
const ACTIVITY = `${BILLING}&section=activity`;

const api = (page, path, method = 'GET', data) =>
	page.evaluate(([p, m, d]) => window.wp.apiFetch({ path: p, method: m, data: d }), [path, method, data]);

async function pickUser(page, text, name) {
	const field = page.getByRole('combobox', { name: 'User' });
	await field.fill(text);
	const options = page.getByRole('listbox', { name: 'User' }).getByRole('option');
	await expect(options).toHaveCount(1);
	await expect(options).toContainText(name);
	await field.press('ArrowDown');
	await field.press('Enter');
	await expect(page.getByTestId('user-picker-chosen')).toContainText(name);
}

const card = (page, key) => page.getByTestId(`card-${key}`);

test('the first view asks the server once (cards, series and first page in one request); the picker asks when used', async ({ admin: page }) => {
	const calls = [];
	page.on('request', (r) => {
		if (/aipkit(\/|%2F)v1/.test(r.url())) {
			calls.push(r.url());
		}
	});
	await page.goto(ACTIVITY);
	await expect(card(page, 'ledger_entries')).toBeVisible();
	await expect(page.locator('.aipkit-activity-table tbody tr').first()).toBeVisible();
	// Longer than the picker's 200 ms debounce: a search on mount would have been sent by now.
	await page.waitForTimeout(1000);
	expect(calls).toHaveLength(1);
	expect(calls[0]).toMatch(/activity/);
	await page.getByRole('combobox', { name: 'User' }).focus();
	await expect.poll(() => calls.filter((u) => /users/.test(u)).length).toBe(1);
});

test('the user picker finds users by name or email; cards, list and scope follow it', async ({ admin: page }) => {
	await page.goto(ACTIVITY);
	await expect(card(page, 'ledger_entries')).toBeVisible();
	const allEntries = Number(await card(page, 'ledger_entries').textContent());
	await expect(page.getByTestId('cards-scope')).toContainText('all users');

	// By email: "bob@" finds Bob.
	await pickUser(page, 'bob@', 'Bob');
	await expect(page.getByTestId('cards-scope')).toContainText('user Bob');
	const rows = page.locator('.aipkit-activity-table tbody tr');
	await expect(card(page, 'ledger_entries')).not.toHaveText(String(allEntries));
	const bobEntries = Number(await card(page, 'ledger_entries').textContent());
	await expect(rows).toHaveCount(bobEntries);
	for (const who of await rows.locator('td').nth(2).allTextContents()) {
		expect(who).toContain('Bob');
	}
	// Clearing the picker brings back every user.
	await page.getByRole('button', { name: /^Clear user/ }).click();
	await expect(card(page, 'ledger_entries')).toHaveText(String(allEntries));
	// By part of the name, with the keyboard.
	await pickUser(page, 'ali', 'Alice');
	await expect(page.getByTestId('cards-scope')).toContainText('user Alice');
});

test('a balance reduction shows in Credits Removed and the cards add up to the balance', async ({ admin: page }) => {
	await page.goto(ACTIVITY);
	await pickUser(page, 'alice', 'Alice');
	await expect(card(page, 'credits_removed')).toBeVisible();
	const users = await api(page, '/aipkit/v1/balances?search=alice');
	const alice = users.items[0];
	// The case: lower the balance by 3 in Balances.
	const lowered = (Number(alice.balance) - 3).toFixed(6);
	await api(page, `/aipkit/v1/balances/${alice.user_id}`, 'POST', {
		expected_balance: alice.balance,
		new_balance: lowered,
	});
	await page.reload();
	await pickUser(page, 'alice', 'Alice');
	await page.getByLabel('Date range').selectOption('90');
	await expect(card(page, 'credits_removed')).not.toHaveText('0');
	// Alice started at 0 within the range: Added − Removed − Debited is her balance now (exact, in micro-credits).
	const micro = async (key) => {
		const [i, f = ''] = (await card(page, key).textContent()).split('.');
		return BigInt(i) * 1000000n + BigInt(f.padEnd(6, '0'));
	};
	const net = (await micro('credits_added')) - (await micro('credits_removed')) - (await micro('balance_debited'));
	const [bi, bf] = lowered.split('.');
	expect(net).toBe(BigInt(bi) * 1000000n + BigInt(bf));
	expect(await micro('credits_removed')).toBeGreaterThanOrEqual(3000000n);
	// Entry type filter: only admin adjustments.
	await page.getByLabel('Entry type').selectOption('admin_adjustment');
	await expect(page.getByTestId('cards-scope')).toContainText('Admin adjustment entries only');
	await expect(card(page, 'balance_debited')).toHaveText('0');
});

test('Export CSV downloads the filtered ledger: numbers stay numbers, site time with offset', async ({ admin: page }) => {
	await page.goto(ACTIVITY);
	await pickUser(page, 'alice', 'Alice');
	await expect(card(page, 'ledger_entries')).not.toHaveText('');
	const shown = Number(await card(page, 'ledger_entries').textContent());
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('link', { name: 'Export CSV' }).click(),
	]);
	expect(download.suggestedFilename()).toMatch(/^aipkit-ledger-\d{4}-\d{2}-\d{2}\.csv$/);
	const rows = parse(readFileSync(await download.path()), { columns: true, skip_empty_lines: true });
	expect(rows.length).toBe(shown);
	for (const r of rows) {
		expect(r.user).toContain('Alice');
		expect(r.amount).toMatch(/^-?\d+\.\d{6}$/);
		expect(r.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
	}
	expect(rows.some((r) => r.amount.startsWith('-')), 'a debit or reduction is a negative number, not text').toBe(true);
});

test('the chart covers every day of the range with a table alternative; times are site time', async ({ admin: page }) => {
	await page.goto(ACTIVITY);
	const chart = page.getByTestId('activity-chart');
	await expect(chart).toBeVisible();
	await expect(chart).toHaveAttribute('role', 'img');
	const days = Number(await chart.getAttribute('data-days'));
	expect(days).toBeGreaterThanOrEqual(30);
	expect(days).toBeLessThanOrEqual(31);
	// Drawn, not blank: Chart.js painted the canvas.
	const painted = await chart.evaluate((c) => {
		const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		let n = 0;
		for (let i = 3; i < d.length; i += 4) n += d[i] > 0 ? 1 : 0;
		return n;
	});
	expect(painted).toBeGreaterThan(1000);
	await page.getByRole('button', { name: 'Show as table' }).click();
	const table = page.getByTestId('activity-chart-table');
	await expect(table.locator('tbody tr')).toHaveCount(days);
	// Zeros included: some days have no entries; every row is dated.
	await expect(table.locator('tbody tr', { has: page.locator('td:last-child', { hasText: /^0$/ }) }).first()).toBeVisible();
	await expect(table.locator('tbody th').first()).toHaveText(/^\d{4}-\d\d-\d\d$/);
	await page.getByRole('button', { name: 'Show as chart' }).click();
	await expect(chart).toBeVisible();

	// One time convention: site time with the zone.
	await expect(page.locator('.aipkit-activity-table thead')).toContainText('Date (site time)');
	await expect(page.locator('.aipkit-activity-table tbody tr').first().locator('td').first()).toHaveText(
		/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC([+−]\d\d:\d\d)?$/
	);
	await expect(page.getByText('Days and times are in the site time zone')).toBeVisible();
});

test('provider and model are searchable comboboxes with free entry; the sample charge is not on Pricing', async ({ admin: page }) => {
	await page.goto(`${BILLING}&section=pricing`);
	await expect(page.getByTestId('sample-wasm')).toHaveCount(0);
	await page.getByRole('button', { name: 'New Pricing' }).click();
	const dialog = page.getByRole('dialog');
	const provider = dialog.getByRole('combobox', { name: 'Provider' });
	await provider.fill('open');
	await expect(dialog.getByRole('listbox', { name: 'Provider' }).getByRole('option', { name: /openai/ })).toBeVisible();
	await provider.press('ArrowDown');
	await provider.press('Enter');
	await expect(provider).toHaveValue('openai');
	const model = dialog.getByRole('combobox', { name: 'Model' });
	await model.fill('4o-mi');
	const models = dialog.getByRole('listbox', { name: 'Model' }).getByRole('option');
	await expect(models).toHaveCount(1);
	await models.filter({ hasText: 'gpt-4o-mini' }).click();
	await expect(model).toHaveValue('gpt-4o-mini');
	// Free entry: a model no list knows.
	await model.fill('my-private-model');
	await expect(model).toHaveValue('my-private-model');
	await page.keyboard.press('Escape');
});

test('models charged without a rule are listed on Pricing with a prefilled "Create rule"', async ({ admin: page }) => {
	await page.goto(`${BILLING}&section=pricing`);
	const rules = await api(page, '/aipkit/v1/pricing-rules');
	const large = rules.find((r) => r.provider === 'demo' && r.model === 'demo-chat-large');
	// Alice's seeded demo-sales request used demo-chat-large; with its rule deleted nothing covers it.
	await api(page, `/aipkit/v1/pricing-rules/${large.id}`, 'DELETE');
	await page.reload();
	const list = page.getByTestId('unruled-models');
	const row = list.locator('tr', { hasText: 'demo / demo-chat-large' });
	await expect(row).toBeVisible();
	await expect(page.locator('.aipkit-unruled-models')).toContainText('charged in raw units');
	await row.getByRole('button', { name: 'Create rule for demo / demo-chat-large' }).click();
	const dialog = page.getByRole('dialog');
	await expect(dialog.getByRole('combobox', { name: 'Provider' })).toHaveValue('demo');
	await expect(dialog.getByRole('combobox', { name: 'Model' })).toHaveValue('demo-chat-large');
	await dialog.getByLabel('Billing method').selectOption('flat');
	await dialog.getByLabel('Unit rate (credits per request)').fill('5');
	await dialog.getByRole('button', { name: 'Save Rule' }).click();
	await expect(page.getByRole('dialog')).toHaveCount(0);
	await expect(list.locator('tr', { hasText: 'demo / demo-chat-large' })).toHaveCount(0);
});

test('the sample charge check lives in Site Health and its diagnostics view', async ({ admin: page }) => {
	await page.goto('/wp-admin/site-health.php');
	// Passed checks sit in the collapsed "Passed tests" list: present, with its link to the diagnostics view.
	await expect(page.locator('.health-check-accordion-trigger', { hasText: 'AI Puffer Usage prices the sample charge exactly' })).toHaveCount(1, { timeout: 20000 });
	await page.goto('/wp-admin/admin.php?page=aipkit-usage&tab=diagnostics');
	await expect(page.getByTestId('sample-wasm-credits')).toHaveText('1.400000');
	await expect(page.getByTestId('sample-server-credits')).toHaveText('1.400000');
	await expect(page.getByTestId('sample-agreement')).toHaveAttribute('data-agree', 'yes');
});
