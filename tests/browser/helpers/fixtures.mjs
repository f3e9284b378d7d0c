// Test fixture for every browser spec: import { test, expect } from './helpers/fixtures.mjs'.
// - Fails the test on any console error or uncaught page error (collected, reported at the end).
// - Blocks every request that does not go to a loopback address: the site must work offline, and a
//   blocked request that the page needed shows up as a failure, not as a slow test.
// - `admin`: a page logged in as the site's administrator. The worker logs in once through the real
//   wp-login.php form and every later test gets that session's cookies (a form login lands on the
//   WordPress dashboard: about 3 s of server and browser work per test, a fifth of a short test, for
//   a step that smoke.spec.mjs and every `loginAs` still test). A session that is no longer valid
//   (logged out, user changed) is replaced by a new form login, so no test depends on another's state.
// - `loginAs`: logs the fixture's page in as another user through the real form, every time.
import { test as base, expect } from '@playwright/test';
import { login } from './login.mjs';

/** Whether the context's cookies are a live administrator session (wp-admin answers without a redirect). */
async function isLoggedIn(context) {
	const res = await context.request.get('/wp-admin/profile.php', { maxRedirects: 0, failOnStatusCode: false });
	return 200 === res.status();
}

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

	// The administrator's session cookies, shared by this worker's tests (see `admin`).
	adminSession: [
		async ({}, use) => {
			await use({ cookies: null });
		},
		{ scope: 'worker' },
	],

	/** A page logged in as the site's administrator (the worker's session; a form login when there is none). */
	admin: async ({ page, asAdmin }, use) => {
		await asAdmin();
		await use(page);
	},

	/** asAdmin(): (re)logs the fixture's page in as the administrator, e.g. after a test cleared its cookies. */
	asAdmin: async ({ page, adminSession }, use) => {
		await use(async () => {
			const context = page.context();
			await context.clearCookies();
			if (adminSession.cookies) {
				await context.addCookies(adminSession.cookies);
			}
			if (!adminSession.cookies || !(await isLoggedIn(context))) {
				await login(page);
				adminSession.cookies = (await context.storageState()).cookies;
			}
		});
	},

	/** loginAs(user, password): log the fixture's page in as another user. */
	loginAs: async ({ page }, use) => {
		await use((user, password) => login(page, user, password));
	},
});

export { expect };
