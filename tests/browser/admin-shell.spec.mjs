// The "AI Puffer > Usage" admin shell in a real Chromium against the real WordPress 6.1 + plugin:
// page loads without console errors, tabs switch by mouse and keyboard, the WASM core in the
// browser and the native core on the server (PHP FFI) price the seed's sample charge identically,
// and every aipkit/v1 route refuses a forged nonce over real HTTP.
import { test, expect } from './helpers/fixtures.mjs';

const PAGE = '/wp-admin/admin.php?page=aipkit-usage';

test('the Usage page loads under AI Puffer with its two tabs', async ({ admin: page }) => {
	await page.goto(PAGE);
	await expect(page.locator('#wpbody h1')).toHaveText('Usage');
	const menu = page.locator('#adminmenu a.menu-top', { hasText: 'AI Puffer' });
	await expect(menu).toBeVisible();
	await expect(page.locator('#adminmenu .wp-submenu a[href$="page=aipkit-usage"]')).toHaveText('Usage');
	const tabs = page.locator('.aipkit-usage-tabs > [role="tablist"] > [role="tab"]');
	await expect(tabs).toHaveText(['Logs', 'Billing']);
	await expect(tabs.nth(0)).toHaveAttribute('aria-selected', 'true');
});

test('tabs switch with the mouse', async ({ admin: page }) => {
	await page.goto(PAGE);
	const top = page.locator('.aipkit-usage-tabs > [role="tablist"]');
	await top.getByRole('tab', { name: 'Billing' }).click();
	await expect(top.getByRole('tab', { name: 'Billing' })).toHaveAttribute('aria-selected', 'true');
	const sub = page.locator('.aipkit-usage-billing-tabs > [role="tablist"]');
	await expect(sub.getByRole('tab')).toHaveText(['Pricing', 'Activity', 'Balances', 'Quotas', 'WooCommerce']);
	for (const name of ['Activity', 'Balances', 'Quotas', 'WooCommerce', 'Pricing']) {
		await sub.getByRole('tab', { name }).click();
		await expect(sub.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
		const panelId = await sub.getByRole('tab', { name }).getAttribute('aria-controls');
		await expect(page.locator(`[id="${panelId}"]`)).toBeVisible();
	}
	// The selection is in the URL, so a reload opens the same screen.
	await sub.getByRole('tab', { name: 'Quotas' }).click();
	await expect(page).toHaveURL(/tab=billing/);
	await expect(page).toHaveURL(/section=quotas/);
	await page.reload();
	await expect(page.locator('.aipkit-usage-billing-tabs').getByRole('tab', { name: 'Quotas' })).toHaveAttribute('aria-selected', 'true');
	await top.getByRole('tab', { name: 'Logs' }).click();
	await expect(top.getByRole('tab', { name: 'Logs' })).toHaveAttribute('aria-selected', 'true');
	await expect(page.locator('.aipkit-usage-billing-tabs')).toHaveCount(0);
});

test('tabs switch with the keyboard', async ({ admin: page }) => {
	await page.goto(PAGE);
	const top = page.locator('.aipkit-usage-tabs > [role="tablist"]');
	await top.getByRole('tab', { name: 'Logs' }).focus();
	await page.keyboard.press('ArrowRight');
	await expect(top.getByRole('tab', { name: 'Billing' })).toBeFocused();
	await expect(top.getByRole('tab', { name: 'Billing' })).toHaveAttribute('aria-selected', 'true');
	const sub = page.locator('.aipkit-usage-billing-tabs > [role="tablist"]');
	await sub.getByRole('tab', { name: 'Pricing' }).focus();
	await page.keyboard.press('ArrowRight');
	await expect(sub.getByRole('tab', { name: 'Activity' })).toHaveAttribute('aria-selected', 'true');
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('ArrowRight');
	await expect(sub.getByRole('tab', { name: 'WooCommerce' })).toHaveAttribute('aria-selected', 'true');
	await expect(sub.getByRole('tab', { name: 'WooCommerce' })).toBeFocused();
	await page.keyboard.press('ArrowLeft');
	await expect(sub.getByRole('tab', { name: 'Quotas' })).toHaveAttribute('aria-selected', 'true');
	await top.getByRole('tab', { name: 'Billing' }).focus();
	await page.keyboard.press('ArrowLeft');
	await expect(top.getByRole('tab', { name: 'Logs' })).toHaveAttribute('aria-selected', 'true');
});

test('the sample charge (diagnostics, linked from Site Health) priced by WASM in the browser equals the server FFI result', async ({ admin: page }) => {
	const wasmLoaded = page.waitForResponse((r) => r.url().includes('/build/wasm/aipkit_usage_bg.wasm'));
	const serverPriced = page.waitForResponse((r) => r.url().includes('aipkit') && r.url().includes('preview'));
	await page.goto(`${PAGE}&tab=diagnostics`);
	const wasm = await wasmLoaded;
	expect(wasm.status()).toBe(200);
	expect(wasm.headers()['content-type']).toContain('application/wasm');
	expect((await serverPriced).status()).toBe(200);

	const browser = page.getByTestId('sample-wasm-credits');
	const server = page.getByTestId('sample-server-credits');
	await expect(browser).toHaveText('1.400000');
	await expect(server).toHaveText('1.400000');
	await expect(page.getByTestId('sample-agreement')).toHaveAttribute('data-agree', 'yes');
	await expect(page.getByTestId('sample-agreement')).toContainText('agree: 1.400000 credits');
	for (const side of ['sample-wasm', 'sample-server']) {
		const rows = page.getByTestId(side).locator('tbody tr');
		await expect(rows).toHaveCount(3);
		await expect(rows.nth(0)).toContainText('800 / 1000 × 1');
		await expect(rows.nth(1)).toContainText('300 / 1000 × 2');
		await expect(rows.nth(2)).toContainText('0.8 + 0.6');
	}
});

test.describe('forged nonces', () => {
	// Each refused request logs "Failed to load resource: … 403" in the console: expected here.
	test.use({ allowedConsoleErrors: [/status of 403/] });

test('every aipkit/v1 route refuses a forged nonce over HTTP, and a valid one works', async ({ admin: page }) => {
	await page.goto(PAGE);
	const results = await page.evaluate(async () => {
		const root = window.aipkitUsageAdmin.restRoot;
		const url = (route) => {
			const u = new URL(root);
			// Works with and without pretty permalinks.
			if (u.searchParams.has('rest_route')) {
				u.searchParams.set('rest_route', route);
				return u.toString();
			}
			return root.replace(/\/$/, '') + route;
		};
		const index = await (await fetch(url('/aipkit/v1'), { credentials: 'same-origin' })).json();
		const out = [];
		for (const [route, info] of Object.entries(index.routes)) {
			if (route === '/aipkit/v1') continue;
			const path = route.replace(/\(\?P<[^>]+>[^)]*\)/g, '1');
			for (const endpoint of info.endpoints) {
				for (const method of endpoint.methods) {
					const res = await fetch(url(path), {
						method,
						credentials: 'same-origin',
						headers: { 'X-WP-Nonce': 'forged0000', 'Content-Type': 'application/json' },
						body: method === 'GET' || method === 'HEAD' ? undefined : '{}',
					});
					const body = method === 'HEAD' ? {} : await res.json().catch(() => ({}));
					out.push({ route, method, status: res.status, code: body.code });
				}
			}
		}
		const ok = await fetch(url('/aipkit/v1/health'), {
			credentials: 'same-origin',
			headers: { 'X-WP-Nonce': window.wp.apiFetch.nonceMiddleware.nonce },
		});
		return { out, okStatus: ok.status, okBody: await ok.json() };
	});
	expect(results.out.length).toBeGreaterThanOrEqual(4);
	for (const r of results.out) {
		expect({ ...r, status: r.status, code: r.code }).toEqual({ ...r, status: 403, code: 'rest_cookie_invalid_nonce' });
	}
	expect(results.okStatus).toBe(200);
	expect(results.okBody.core_version).toBe('0.1.0');
});
});

test.describe('WooCommerce tab', () => {
	// The refused save below is a real 400 from the server, which Chromium logs as a failed resource.
	test.use({ allowedConsoleErrors: [/status of 400/] });

	test('the WooCommerce tab says what it will do, picks the dashboard page and edits the buy credits URL', async ({ admin: page }) => {
		await page.goto(`${PAGE}&tab=billing&section=woocommerce`);
		const screen = page.locator('[data-screen="woocommerce"]');
		await expect(screen.getByRole('heading', { name: 'WooCommerce Integration' })).toBeVisible();
		await expect(screen).toContainText('Products marked as an AI Puffer credit package add their credits');
		await expect(screen).toContainText('[aipkit_token_usage]');
		// The Customer dashboard URL is now chosen as a page (tests/browser/dashboard.spec.mjs).
		await expect(screen.getByLabel('Customer dashboard page')).toBeVisible();
		const buy = screen.getByLabel('Default buy credits URL');
		const save = screen.getByRole('button', { name: 'Save settings' });

		// A bad URL is refused with the field marked, and nothing is stored.
		await buy.fill('javascript:alert(1)');
		await save.click();
		await expect(screen.getByRole('alert')).toBeVisible();
		await expect(buy).toHaveAttribute('aria-invalid', 'true');

		// Keyboard only: type, Enter submits; the value survives a reload.
		await buy.fill('');
		await buy.focus();
		await page.keyboard.type('http://127.0.0.1/shop/');
		await page.keyboard.press('Enter');
		await expect(screen.locator('.aipkit-usage-woocommerce__form').getByRole('status')).toHaveText('Settings saved.');
		await page.reload();
		await expect(page.locator('[data-screen="woocommerce"]').getByLabel('Default buy credits URL')).toHaveValue('http://127.0.0.1/shop/');
		const stored = await page.evaluate(() => window.wp.apiFetch({ path: '/aipkit/v1/settings' }));
		expect(stored.buy_credits_url).toBe('http://127.0.0.1/shop/');
		await page.evaluate(() => window.wp.apiFetch({ path: '/aipkit/v1/settings', method: 'POST', data: { buy_credits_url: '' } }));
	});
});

test('an Application Password authenticates aipkit/v1 over HTTP (no cookie, no nonce)', async ({ admin: page, playwright, baseURL }) => {
	await page.goto(PAGE);
	// Created the way a user does it from their profile: the core REST route, cookie + nonce.
	const created = await page.evaluate(() =>
		window.wp.apiFetch({ path: '/wp/v2/users/me/application-passwords', method: 'POST', data: { name: `e2e-${Date.now()}` } })
	);
	expect(created.password).toMatch(/\S{4}/);
	const basic = (pw) => 'Basic ' + Buffer.from(`admin:${pw}`).toString('base64');
	// A fresh request context: no cookies from the logged-in page.
	const api = await playwright.request.newContext({ baseURL });
	try {
		const ok = await api.get('/wp-json/aipkit/v1/settings', { headers: { Authorization: basic(created.password) } });
		expect(ok.status(), await ok.text()).toBe(200);
		expect(await ok.json()).toHaveProperty('consumption_order');
		// Bad argument with a valid Application Password: 400 naming the field, nothing saved.
		const bad = await api.post('/wp-json/aipkit/v1/settings', {
			headers: { Authorization: basic(created.password) },
			data: { hold_lifetime_minutes: 'abc' },
		});
		expect(bad.status()).toBe(400);
		expect((await bad.json()).data.params).toHaveProperty('hold_lifetime_minutes');
		const wrong = await api.get('/wp-json/aipkit/v1/settings', { headers: { Authorization: basic('wrong wrong wrong wrong') } });
		expect(wrong.status()).toBe(401);
		const none = await api.get('/wp-json/aipkit/v1/settings');
		expect(none.status()).toBe(401);
	} finally {
		await api.dispose();
		await page.evaluate((uuid) => window.wp.apiFetch({ path: `/wp/v2/users/me/application-passwords/${uuid}`, method: 'DELETE' }), created.uuid);
	}
});
