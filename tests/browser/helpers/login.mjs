// Logs a page in through wp-login.php, as a person would. Credentials default to the e2e site's admin
// (bin/test-browser exports AIPKIT_E2E_USER / AIPKIT_E2E_PASSWORD).
import { expect } from '@playwright/test';

export async function login(
	page,
	user = process.env.AIPKIT_E2E_USER || 'admin',
	password = process.env.AIPKIT_E2E_PASSWORD || 'e2e-password'
) {
	await page.context().clearCookies();
	await page.goto('/wp-login.php');
	await page.locator('#user_login').fill(user);
	await page.locator('#user_pass').fill(password);
	// Administrators land in wp-admin; with WooCommerce active, customers and subscribers land on My Account
	// (WooCommerce keeps them out of wp-admin and hides their toolbar). Either way the login cookie is set.
	await Promise.all([page.waitForURL((url) => !url.pathname.endsWith('/wp-login.php')), page.locator('#wp-submit').click()]);
	const cookies = await page.context().cookies();
	expect(cookies.some((c) => c.name.startsWith('wordpress_logged_in_')), `${user} is logged in`).toBe(true);
	if (new URL(page.url()).pathname.startsWith('/wp-admin/')) {
		await expect(page.locator('#wpadminbar')).toBeVisible();
	}
}
