// Billing screens in a real Chromium against the seeded e2e site: a pricing rule created through
// the Pricing screen (with the WASM preview of the charge), an inline balance edit (Enter saves; a
// stale edit shows the conflict), and a usage reset behind a confirmation.
import { test, expect } from './helpers/fixtures.mjs';

const BILLING = '/wp-admin/admin.php?page=aipkit-usage&tab=billing';

// A refused stale edit is a real 409 response, which Chromium reports on the console.
test.use({ allowedConsoleErrors: [/status of 409/] });

test('create a pricing rule; the preview shows the charge computed by the WASM core', async ({ admin: page }) => {
	await page.goto(`${BILLING}&section=pricing`);
	await page.getByRole('button', { name: 'New Pricing' }).click();
	const dialog = page.getByRole('dialog');
	await dialog.getByLabel('Usage type').selectOption('chat');
	await dialog.getByRole('combobox', { name: 'Provider' }).fill('acme');
	await dialog.getByRole('combobox', { name: 'Model' }).fill('acme-large');
	await dialog.getByLabel('Billing method').selectOption('per_1k_tokens');
	await dialog.getByLabel('Input rate (credits per 1K input tokens)').fill('1');
	await dialog.getByLabel('Output rate (credits per 1K output tokens)').fill('2');
	// 800 input + 300 output tokens at 1 and 2 per 1K: the documentation's 1.4 credits.
	await expect(dialog.getByTestId('pricing-preview-credits')).toHaveText('1.4');
	await expect(dialog.getByTestId('pricing-preview')).toContainText('800 / 1000 × 1');
	await dialog.getByLabel('Output rate (credits per 1K output tokens)').fill('2.5');
	await expect(dialog.getByTestId('pricing-preview-credits')).toHaveText('1.55');
	await dialog.getByRole('button', { name: 'Save Rule' }).click();
	await expect(page.getByRole('dialog')).toHaveCount(0);
	const row = page.locator('.aipkit-pricing-table tr', { hasText: 'acme / acme-large' });
	await expect(row).toContainText('Per 1K Tokens');
	await expect(row).toContainText('1 in / 2.5 out per 1K');

	// The same rule again is refused by the database with a clear message.
	await expect(page.locator('.components-notice__content', { hasText: 'Pricing rule saved.' })).toBeVisible();
	await page.getByRole('button', { name: 'New Pricing' }).click();
	await expect(dialog).toBeVisible();
	await expect(dialog.getByRole('combobox', { name: 'Provider' })).toHaveValue('');
	await dialog.getByRole('combobox', { name: 'Provider' }).fill('acme');
	await dialog.getByRole('combobox', { name: 'Model' }).fill('acme-large');
	await dialog.getByLabel('Billing method').selectOption('flat');
	await dialog.getByLabel('Unit rate (credits per request)').fill('3');
	await dialog.getByRole('button', { name: 'Save Rule' }).click();
	await expect(dialog).toContainText('already exists');
});

test('edit a balance inline: Enter saves, a stale edit shows the conflict', async ({ admin: page }) => {
	await page.goto(`${BILLING}&section=balances`);
	await page.getByLabel('Search users by name or email').fill('alice');
	const field = page.getByLabel('Credit balance of Alice');
	await expect(field).toBeVisible();
	await field.fill('40');
	await field.press('Enter');
	await expect(page.locator('.aipkit-balance-cell__saved')).toHaveText('Saved');
	const server = await page.evaluate(() => window.wp.apiFetch({ path: '/aipkit/v1/balances?search=alice' }));
	expect(server.items[0].balance).toBe('40.000000');

	// Someone else changes the balance meanwhile (another admin, a purchase).
	await page.evaluate(async (id) => {
		await window.wp.apiFetch({ path: `/aipkit/v1/balances/${id}`, method: 'POST', data: { expected_balance: '40', new_balance: '41' } });
	}, server.items[0].user_id);
	await field.fill('50');
	await field.press('Enter');
	await expect(page.locator('.aipkit-balance-cell__error')).toContainText('changed while you were editing');
	const after = await page.evaluate(() => window.wp.apiFetch({ path: '/aipkit/v1/balances?search=alice' }));
	expect(after.items[0].balance).toBe('41.000000');
	// Blur also saves, once the admin takes the current value.
	await page.getByRole('button', { name: 'Use the current balance' }).click();
	await field.fill('45');
	await page.getByLabel('Search users by name or email').focus();
	await expect(page.locator('.aipkit-balance-cell__saved')).toHaveText('Saved');
});

test('reset usage asks for confirmation and records the reset', async ({ admin: page }) => {
	await page.goto(`${BILLING}&section=balances`);
	await page.getByLabel('Search users by name or email').fill('bob');
	const row = page.locator('.aipkit-balances-table tbody tr', { hasText: 'bob@example.test' });
	// Scopes and periods in words (issue 9 §3), never their keys ("chatbot", "2026-11-30").
	const usage = row.locator('.aipkit-usage-scopes');
	await expect(usage).toContainText('Chatbot: ');
	await expect(usage).not.toContainText('chatbot');
	await expect(usage).not.toContainText(/W?\d{4}-\d\d/);
	await row.getByRole('button', { name: 'Reset all' }).click();
	const dialog = page.getByRole('dialog', { name: 'Reset usage?' });
	await expect(dialog).toContainText('all scopes');
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await expect(row.locator('td').nth(3)).toHaveText('—');
	await row.getByRole('button', { name: 'Reset all' }).click();
	await page.getByRole('dialog', { name: 'Reset usage?' }).getByRole('button', { name: 'Confirm reset' }).click();
	await expect(row.locator('td').nth(3)).not.toHaveText('—');
	await row.getByRole('button', { name: 'History' }).click();
	await expect(page.getByRole('dialog')).toContainText('Usage reset');
});
