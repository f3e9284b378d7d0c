// The customer dashboard [aipkit_token_usage] in Chromium against the seeded e2e site: alice's balance,
// purchase and quota bars; attributes hiding sections; the logged-out login round trip; a widget in a
// classic theme and the page in Twenty Twenty-Five; the admin-only troubleshooting box; "Why was
// this refused?" for bob; the page picker with "Create the page for me"; the Pricing models hint;
// the WooCommerce My Account tab when WooCommerce is installed on the e2e site.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from './helpers/fixtures.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BILLING = '/wp-admin/admin.php?page=aipkit-usage&tab=billing';

function fixture(...args) {
	const out = execFileSync(
		path.join(ROOT, 'bin/site-php'),
		[path.join(ROOT, 'tests/php/Dashboard/fixtures/browser-setup.php'), ...args],
		{
			env: { ...process.env, AIPKIT_WP_DIR: process.env.AIPKIT_E2E_WP_DIR || path.resolve(ROOT, process.env.AIPKIT_LOCAL_DIR || '.local', 'e2e-wordpress') },
			encoding: 'utf8',
		}
	);
	return JSON.parse(out.slice(out.indexOf('{')));
}

const setup = (theme = 'classic') => fixture('setup', theme);

/** "65.400000" → "65.4", as the dashboard prints credits. */
const trim = (v) => (v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v);

let site;
test.beforeEach(() => {
	site = setup('classic');
});
test.afterAll(() => {
	fixture('teardown');
});

test('alice sees her balance, the purchase and her quota bars; the page is not cached', async ({ page, loginAs }) => {
	expect(site.theme).toBe('aipkit-test-classic');
	await loginAs('alice', 'alice-demo-password');
	const response = await page.goto(site.dashboard);
	expect(response.headers()['cache-control']).toMatch(/no-cache|no-store/);

	const dash = page.locator('#main .aipkit-dashboard');
	// The page made by "Create the page for me": its title is the heading, the dashboard adds none.
	await expect(page.locator('#main h1')).toHaveText('Credits & Usage');
	await expect(dash.locator('.aipkit-dashboard__title')).toHaveCount(0);
	await expect(dash.getByText('View your credits, purchases, and quotas.')).toBeVisible();
	await expect(dash.locator('.aipkit-dashboard__figure--available dd')).toHaveText(`${trim(site.alice.available)} credits`);
	await expect(dash.locator('.aipkit-dashboard__figure--held dd')).toHaveText(`${trim(site.alice.held)} credits`);

	const purchase = dash.locator('.aipkit-dashboard__purchases tr', { hasText: 'Order #1001' });
	await expect(purchase).toContainText('+40');

	const bar = dash.getByRole('progressbar', { name: 'Chatbot', exact: true });
	await expect(bar).toHaveAttribute('aria-valuemax', '20');
	await expect(bar).toHaveAttribute('aria-valuemin', '0');
	await expect(bar).toHaveAttribute('aria-valuetext', /of 20 credits used/);
	await expect(dash.getByRole('progressbar', { name: 'Chatbot: Demo Sales Bot' })).toHaveAttribute('aria-valuemax', '50');
	await expect(dash.locator('[data-scope="chatbot"]')).toContainText('Next reset:');
	await expect(dash.locator('.aipkit-dashboard__usage tbody tr').first()).toBeVisible();

	// Customers never see the administrators' box; the stylesheet is on this page only.
	await expect(page.locator('.aipkit-dashboard-admin')).toHaveCount(0);
	await expect(page.locator('link#aipkit-usage-dashboard-css')).toHaveCount(1);
});

test('right-to-left sites mirror the dashboard (bars fill from the right, text starts on the right)', async ({ page, loginAs }) => {
	expect(fixture('rtl', 'on').rtl).toBe(true);
	try {
		await loginAs('alice', 'alice-demo-password');
		await page.goto(site.dashboard);
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		const bar = page.locator('#main [data-scope="chatbot"] .aipkit-dashboard__bar');
		const fill = bar.locator('.aipkit-dashboard__bar-fill');
		await expect(bar).toBeVisible();
		const b = await bar.boundingBox();
		const f = await fill.boundingBox();
		expect(f.width).toBeGreaterThan(0);
		expect(f.width).toBeLessThan(b.width);
		expect(Math.abs(f.x + f.width - (b.x + b.width))).toBeLessThan(1.5); // anchored at the right edge
		const cell = page.locator('#main .aipkit-dashboard__purchases th').first();
		expect(await cell.evaluate((el) => getComputedStyle(el).textAlign)).toMatch(/^(start|right)$/);
	} finally {
		fixture('rtl', 'off');
	}
});

test('attributes hide sections (classic editor text) and a widget shows its own dashboard', async ({ page, loginAs }) => {
	await loginAs('alice', 'alice-demo-password');
	await page.goto(site.attributes);
	const main = page.locator('#main');
	await expect(main.getByRole('heading', { name: 'Just forms' })).toBeVisible();
	await expect(main.getByText('Only your AI Forms quota.')).toBeVisible();
	await expect(main.getByRole('progressbar', { name: 'AI Forms' })).toBeVisible();
	await expect(main.getByRole('progressbar', { name: /Chatbot/ })).toHaveCount(0);
	await expect(main.locator('[data-scope="image_generator"]')).toHaveCount(0);
	await expect(main.getByRole('heading', { name: 'Recent purchases' })).toHaveCount(0);
	await expect(main.locator('.aipkit-dashboard__buy')).toHaveCount(0);

	const widget = page.locator('#sidebar');
	await expect(widget.getByRole('heading', { name: 'Widget dashboard' })).toBeVisible();
	await expect(widget.locator('[data-scope="image_generator"]')).toBeVisible();
	await expect(widget.locator('[data-scope^="chatbot"]')).toHaveCount(0);
	await expect(widget.getByRole('heading', { name: 'Recent purchases' })).toHaveCount(0);
});

test('a logged-out visitor gets a login link that comes back to the dashboard', async ({ page }) => {
	// WordPress itself sends no-cache headers only to logged-in users: these come from the dashboard.
	const response = await page.goto(site.dashboard);
	expect(response.headers()['cache-control']).toMatch(/no-cache|no-store/);
	const main = page.locator('#main');
	await expect(main.getByText('Log in to see your credits, purchases and quota usage.')).toBeVisible();
	await expect(page.locator('.aipkit-dashboard__balance')).toHaveCount(0);
	await main.getByRole('link', { name: 'Log in', exact: true }).click();
	await expect(page).toHaveURL(/wp-login\.php\?redirect_to=/);
	await page.locator('#user_login').fill('alice');
	await page.locator('#user_pass').fill('alice-demo-password');
	await Promise.all([page.waitForURL(site.dashboard), page.locator('#wp-submit').click()]);
	await expect(main.locator('.aipkit-dashboard__figure--available')).toBeVisible();
});

test('the dashboard renders in a block theme (Twenty Twenty-Five; Twenty Twenty-Three before WordPress 6.7)', async ({ page, loginAs }) => {
	const block = setup('block');
	test.skip(Boolean(block.skip), block.skip);
	try {
		expect(block.theme).toMatch(/^twentytwenty(five|three)$/);
		await loginAs('alice', 'alice-demo-password');
		await page.goto(site.dashboard);
		await expect(page.locator('.aipkit-dashboard__figure--available')).toBeVisible();
		await expect(page.getByRole('progressbar', { name: 'Chatbot', exact: true })).toBeVisible();
		await expect(page.locator('link#aipkit-usage-dashboard-css')).toHaveCount(1);
		// No widget area here: a page without the shortcode loads none of the dashboard's assets.
		await page.goto('/demo-chat/');
		await expect(page.locator('.aipkit-dashboard')).toHaveCount(0);
		await expect(page.locator('link#aipkit-usage-dashboard-css')).toHaveCount(0);
	} finally {
		setup('classic');
	}
});

test('administrators see what hides what for a chosen user', async ({ admin: page }) => {
	await page.goto(site.dashboard);
	// One box per page, though the page content and the sidebar widget both hold a dashboard.
	await expect(page.locator('.aipkit-dashboard-admin')).toHaveCount(1);
	const box = page.locator('.aipkit-dashboard-admin');
	await expect(box).toContainText('Only administrators see this box.');
	await box.getByLabel('Check another user (login, email or ID)').fill('bob');
	await box.getByRole('button', { name: 'Check' }).click();
	await expect(page).toHaveURL(/aipkit_dashboard_user=bob/);
	await expect(box).toContainText('What this dashboard shows for');
	await expect(box).toContainText('(bob)');
	await expect(box).toContainText('Role access: every logged-in user may see the dashboard.');
	await expect(box).toContainText(/Chatbot: shown; \d+ charges? recorded for this user\./);
	await expect(box).toContainText('Image Generator: shown, but no usage is recorded');
});

test('"Why was this refused?" explains bob\'s refusal on Balances', async ({ admin: page }) => {
	expect(site.bob_refused).toBe('aipkit_quota_exceeded');
	await page.goto(`${BILLING}&section=balances`);
	const row = page.locator('.aipkit-balances-table tbody tr', { hasText: 'bob@example.test' });
	await row.getByRole('button', { name: 'Why was this refused?' }).click();
	const dialog = page.getByRole('dialog', { name: /Why was this refused\?/ });
	await expect(dialog).toBeVisible();
	await expect(dialog.getByLabel('Module')).toHaveValue('chatbot');
	await expect(dialog.getByLabel('Bot or form ID')).toHaveValue('demo-support');
	await expect(dialog.getByLabel('Model')).toHaveValue('demo-chat');
	await expect(dialog.locator('.aipkit-why__decision')).toHaveText('Refused: quota_exceeded');
	await expect(dialog.locator('.aipkit-why__quota')).toContainText('chatbot');
	await expect(dialog.locator('.aipkit-why__figures')).toContainText('#');
	const refusals = dialog.locator('.aipkit-why__refusals tbody tr');
	await expect(refusals.first()).toContainText('chatbot:demo-support');
	await expect(refusals.first()).toContainText('quota_exceeded');
	await expect(refusals.first().locator('td').first()).not.toBeEmpty(); // when, in site time
	await expect(dialog).toContainText('No purchase is recorded for this user');

	// A small request now: the remaining quota covers it.
	await dialog.getByLabel('Input tokens').fill('100');
	await dialog.getByRole('button', { name: 'Check' }).click();
	await expect(dialog.locator('.aipkit-why__decision')).toHaveText('Admitted');
	await page.keyboard.press('Escape');

	// History links to Activity with the range and the user preset.
	await row.getByRole('button', { name: 'History' }).click();
	const link = page.getByRole('link', { name: /Open these entries in Activity/ });
	await expect(link).toHaveAttribute('href', new RegExp(`section=activity.*range=custom.*user_id=${site.bob_id}`));
	await link.click();
	await expect(page.getByLabel('Date range')).toHaveValue('custom');
});

test('Billing > WooCommerce: page picker, warning, and "Create the page for me"', async ({ admin: page }) => {
	await page.goto(`${BILLING}&section=woocommerce`);
	const picker = page.locator('.aipkit-usage-dashboard-page');
	const select = picker.getByLabel('Customer dashboard page');
	await expect(select.locator('option:checked')).toHaveText('Credits & Usage');
	await expect(picker.locator('.aipkit-usage-dashboard-page__warning')).toHaveCount(0);

	await select.selectOption({ label: 'Demo Chat (no dashboard shortcode)' });
	await expect(picker.locator('.aipkit-usage-dashboard-page__warning')).toContainText('does not contain the [aipkit_token_usage] shortcode');
	// Choosing a page saves it; let that answer arrive before the next action's status replaces it.
	await expect(picker.getByRole('status')).toHaveText('Customer dashboard page saved.');

	await picker.getByRole('button', { name: 'Create the page for me' }).click();
	await expect(picker.getByRole('status')).toContainText('was published and chosen');
	await expect(picker.locator('.aipkit-usage-dashboard-page__warning')).toHaveCount(0);
	const created = await picker.getByRole('link', { name: 'View the dashboard page' }).getAttribute('href');
	expect(created).not.toBe(site.dashboard);
	await page.goto(created);
	// The page's title is the heading; the dashboard adds no second one.
	await expect(page.locator('#main h1')).toHaveText('Credits & Usage');
	await expect(page.locator('#main .aipkit-dashboard__title')).toHaveCount(0);
	await expect(page.locator('#main .aipkit-dashboard__figure--available')).toBeVisible();
	await expect(page.locator('.aipkit-dashboard-admin')).toContainText('Only administrators see this box.');
});

test('role access set on Billing > WooCommerce: other users get a clear message', async ({ admin: page, browser }) => {
	await page.goto(`${BILLING}&section=woocommerce`);
	const picker = page.locator('.aipkit-usage-dashboard-page');
	await expect(picker).toContainText('Every logged-in user may see the dashboard.');
	await picker.getByRole('checkbox', { name: 'Editor' }).check();
	await expect(picker.getByRole('status')).toHaveText('Role access saved.');
	await expect(picker).toContainText('Only users with a ticked role see the dashboard');

	const context = await browser.newContext();
	const alice = await context.newPage();
	await alice.goto('/wp-login.php');
	await alice.locator('#user_login').fill('alice');
	await alice.locator('#user_pass').fill('alice-demo-password');
	await Promise.all([alice.waitForURL(/\/(wp-admin|my-account)\//), alice.locator('#wp-submit').click()]);
	await alice.goto(site.dashboard);
	await expect(alice.locator('#main')).toContainText('Your account does not have access to the credits dashboard.');
	await expect(alice.locator('.aipkit-dashboard__balance')).toHaveCount(0);
	await context.close();
});

test('the Pricing form offers models registered by modules instead of a missing screen', async ({ admin: page }) => {
	await page.goto(`${BILLING}&section=pricing`);
	await page.getByRole('button', { name: 'New Pricing' }).click();
	const dialog = page.getByRole('dialog');
	await dialog.getByRole('combobox', { name: 'Provider' }).fill('demo');
	await page.keyboard.press('Escape'); // close the suggestions, keep the dialog
	const hint = dialog.locator('.aipkit-pricing-models-hint');
	await expect(hint).not.toContainText('AI Providers');
	await expect(hint).toContainText(/Seen in your logs|Registered by AI modules/);
	await hint.getByRole('button', { name: 'Use model demo-chat-large' }).click();
	await expect(dialog.getByRole('combobox', { name: 'Model' })).toHaveValue('demo-chat-large');
});

test('WooCommerce My Account: a Credits & Usage tab, and the purchase of a completed order linked to it', async ({ page }) => {
	test.setTimeout(180_000);
	const on = fixture('wc-activate');
	test.skip(Boolean(on.skip), on.skip);
	try {
		expect(on.error).toBeNull();
		const wc = fixture('wc-install');
		test.skip(Boolean(wc.skip), wc.skip);
		// WooCommerce sends customers to My Account instead of wp-admin: log in through its own form.
		await page.context().clearCookies();
		await page.goto(wc.my_account);
		await page.locator('#username').fill('alice');
		await page.locator('#password').fill('alice-demo-password');
		await page.getByRole('button', { name: 'Log in' }).click();
		const tab = page.getByRole('link', { name: 'Credits & Usage' });
		await expect(tab).toBeVisible();
		await tab.click();
		await expect(page).toHaveURL(/aipkit-credits/);
		const main = page.locator('#main');
		await expect(main.locator('.aipkit-dashboard__figure--available')).toBeVisible();
		// The purchase of the completed order links to My Account's view of that order.
		const order = main.locator('.aipkit-dashboard__purchases a', { hasText: `Order #${wc.order_id}` });
		await expect(order).toHaveAttribute('href', new RegExp(`view-order/${wc.order_id}`));
		await order.click();
		await expect(page.locator('#main').getByText('100 AI credits')).toBeVisible();
		// A credit product is on sale and no URL is set: the button goes to the shop.
		await page.goto(site.dashboard);
		await expect(page.locator('#main .aipkit-dashboard__buy a')).toHaveAttribute('href', wc.shop);

		// The setting turns the tab off.
		expect(fixture('tab', 'off').tab).toBe(false);
		await page.goto(wc.my_account);
		await expect(page.locator('.woocommerce-MyAccount-navigation')).toBeVisible();
		await expect(page.getByRole('link', { name: 'Credits & Usage' })).toHaveCount(0);
	} finally {
		fixture('tab', 'on');
		fixture('wc-off');
	}
});
