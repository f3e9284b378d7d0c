// Billing > Quotas in a real Chromium against the seeded e2e site: a quota rule for one bot with a
// role override is created (a bad limit first: refused, named under its field), listed, edited, and
// deleted behind a confirmation (Cancel keeps it).
import { test, expect } from './helpers/fixtures.mjs';

const QUOTAS = '/wp-admin/admin.php?page=aipkit-usage&tab=billing&section=quotas';
// The refused negative limit is a 400 the browser logs.
test.use({ allowedConsoleErrors: [/status of 400/] });

test('create a quota with a role override, edit it, delete it with confirmation', async ({ admin: page }) => {
	await page.goto(QUOTAS);
	await page.getByRole('button', { name: 'New quota' }).click();
	const dialog = page.getByRole('dialog');
	await expect(dialog).toBeVisible();
	await dialog.getByLabel('Module').selectOption('chatbot');
	await dialog.getByLabel('Bot or form').selectOption('demo-support');
	await dialog.getByLabel('Guest limit (credits per period)').fill('3');
	await dialog.getByLabel('User limit (credits per period)').fill('10');
	await dialog.getByLabel('Editor', { exact: true }).check();
	await dialog.getByLabel('Limit for Editor').fill('50');
	await dialog.getByLabel('Reset period').selectOption('weekly');
	await dialog.getByLabel('Message when the quota is reached').fill('Support bot quota reached.');
	// A negative limit is refused by the server: the notice and the field's own help say why, the
	// dialog stays open with what was typed, and the next Save goes through.
	const guest = dialog.getByLabel('Guest limit (credits per period)');
	await guest.fill('-1');
	await dialog.getByRole('button', { name: 'Save quota' }).click();
	const why = 'Guest limit cannot be negative.';
	await expect(dialog.locator('.components-notice.is-error')).toContainText(why);
	await expect(dialog.getByText('Empty = unlimited, 0 = guests cannot use it.')).toHaveCount(0);
	await expect(dialog.locator('.components-base-control__help', { hasText: why })).toHaveCount(1);
	await expect(dialog.getByLabel('User limit (credits per period)')).toHaveValue('10');
	await guest.fill('3');
	await dialog.getByRole('button', { name: 'Save quota' }).click();
	await expect(page.getByRole('dialog')).toHaveCount(0);

	const row = page.locator('tr', { hasText: 'Demo Support Bot' });
	await expect(row).toHaveCount(1);
	await expect(row).toContainText('editor: 50');
	await expect(row.locator('td').nth(1)).toContainText('3');
	await expect(row.locator('td').nth(2)).toContainText('10');
	await expect(row).toContainText('Weekly');

	// Edit: the form opens with the stored values; change the user limit and drop the override.
	await row.getByRole('button', { name: 'Edit' }).click();
	await expect(dialog.getByLabel('User limit (credits per period)')).toHaveValue(/^10(\.0+)?$/);
	await expect(dialog.getByLabel('Limit for Editor')).toHaveValue(/^50(\.0+)?$/);
	await dialog.getByLabel('User limit (credits per period)').fill('12');
	await dialog.getByLabel('Limit for Editor').fill('');
	await dialog.getByRole('button', { name: 'Save quota' }).click();
	await expect(page.getByRole('dialog')).toHaveCount(0);
	await expect(row.locator('td').nth(2)).toContainText('12');
	await expect(row).toContainText('editor: Unlimited');

	// Delete asks first; Cancel keeps the rule.
	await row.getByRole('button', { name: 'Delete' }).click();
	const confirm = page.getByRole('dialog', { name: 'Delete this quota rule?' });
	await expect(confirm).toBeVisible();
	await confirm.getByRole('button', { name: 'Cancel' }).click();
	await expect(row).toHaveCount(1);
	await row.getByRole('button', { name: 'Delete' }).click();
	await confirm.getByRole('button', { name: 'Delete quota' }).click();
	await expect(page.getByRole('dialog')).toHaveCount(0);
	await expect(page.locator('tr', { hasText: 'Demo Support Bot' })).toHaveCount(0);

	// The change reached the server: a reload shows the same list.
	await page.reload();
	await expect(page.getByRole('button', { name: 'New quota' })).toBeVisible();
	await expect(page.locator('tr', { hasText: 'Demo Support Bot' })).toHaveCount(0);
});

test('the owner chooses what a module without a quota rule allows', async ({ admin: page }) => {
	await page.goto(QUOTAS);
	const choice = page.getByLabel('When no quota rule applies');
	await expect(choice).toHaveValue('unlimited');
	await expect(page.locator('.aipkit-quotas-no-rule')).toContainText(/Modules without a rule: |Every module has a quota rule\./);
	await choice.selectOption('balance_only');
	await expect(page.locator('.aipkit-quotas-no-rule')).toContainText('paid from the credit balance only');
	await page.reload();
	await expect(page.getByLabel('When no quota rule applies')).toHaveValue('balance_only');
	// Back to the default for the other tests on this site.
	await page.getByLabel('When no quota rule applies').selectOption('unlimited');
	await page.reload();
	await expect(page.getByLabel('When no quota rule applies')).toHaveValue('unlimited');
});
