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
	await Promise.all([page.waitForURL(/\/wp-admin\//), page.locator('#wp-submit').click()]);
	await expect(page.locator('#wpadminbar')).toBeVisible();
}
