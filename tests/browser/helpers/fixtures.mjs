// Test fixture for every browser spec: import { test, expect } from './helpers/fixtures.mjs'.
// - Fails the test on any console error or uncaught page error (collected, reported at the end).
// - Blocks every request that does not go to a loopback address: the site must work offline, and a
//   blocked request that the page needed shows up as a failure, not as a slow test.
// - `admin` / `loginAs`: a page logged in through the real wp-login.php form.
import { test as base, expect } from '@playwright/test';
import { login } from './login.mjs';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const test = base.extend({
	// Tests that expect a console error (e.g. checking an error message) list patterns here.
	allowedConsoleErrors: [[], { option: true }],

	page: async ({ page, allowedConsoleErrors }, use, testInfo) => {
		const problems = [];
		const blocked = [];
		await page.route('**/*', (route) => {
			const url = new URL(route.request().url());
			if (url.protocol === 'data:' || url.protocol === 'blob:' || LOOPBACK.has(url.hostname)) {
				return route.continue();
			}
			blocked.push(url.href);
			return route.abort('blockedbyclient');
		});
		page.on('console', (msg) => {
			if (msg.type() !== 'error') return;
			const text = msg.text();
			// A blocked external request logs a console error: reported separately below.
			if (/ERR_BLOCKED_BY_CLIENT/.test(text)) return;
			if (allowedConsoleErrors.some((re) => re.test(text))) return;
			problems.push(`console error: ${text}`);
		});
		page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));

		await use(page);

		if (blocked.length) {
			testInfo.annotations.push({ type: 'blocked external requests', description: blocked.join('\n') });
		}
		expect(problems, 'the page logged errors').toEqual([]);
	},

	/** A page logged in as the site's administrator. */
	admin: async ({ page }, use) => {
		await login(page);
		await use(page);
	},

	/** loginAs(user, password): log the fixture's page in as another user. */
	loginAs: async ({ page }, use) => {
		await use((user, password) => login(page, user, password));
	},
});

export { expect };
