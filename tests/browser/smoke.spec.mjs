import { test, expect } from './helpers/fixtures.mjs';
import { login } from './helpers/login.mjs';

// Through the form every time (the `admin` fixture reuses its worker's session).
test('an administrator logs in and sees the dashboard without console errors', async ({ page }) => {
	await login(page);
	await page.goto('/wp-admin/');
	await expect(page.locator('#wpbody h1')).toHaveText('Dashboard');
	await expect(page.locator('#wp-admin-bar-my-account')).toContainText('admin');
});

test('a wrong password is refused', async ({ page }) => {
	await page.goto('/wp-login.php');
	await page.locator('#user_login').fill('admin');
	await page.locator('#user_pass').fill('not-the-password');
	await page.locator('#wp-submit').click();
	await expect(page.locator('#login_error')).toBeVisible();
	await expect(page).toHaveURL(/wp-login\.php/);
});
