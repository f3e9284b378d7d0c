// Which core backend served the pages: Site Health's core check must name the backend the e2e server runs
// (bin/test-browser runs the suite once with FFI and once with AIPKIT_FFI=0, -d ffi.enable=0: the PHP core),
// with its measured speed, and on the PHP core the php.ini lines that enable FFI. This is what proves the
// FFI-off pass really ran every other spec on the generated core.
import { test, expect } from './helpers/fixtures.mjs';

const expected = process.env.AIPKIT_FFI === '0' ? 'php' : 'ffi';

test(`Site Health names the core backend in use (${expected}) with its measured speed`, async ({ admin: page }) => {
	await page.goto('/wp-admin/site-health.php');
	const label =
		'php' === expected
			? 'The AI Puffer Usage core runs as PHP (FFI is not available)'
			: 'The AI Puffer Usage core runs on its native library (FFI)';
	const trigger = page.locator('.health-check-accordion-trigger', { hasText: label });
	// Site Health runs its async checks after load; a busy machine makes that slow.
	await expect(trigger).toHaveCount(1, { timeout: 30000 });
	// A good result sits in the collapsed "Passed tests" list: open it, then the check, as a person would.
	await page.getByRole('button', { name: 'Passed tests' }).click();
	await trigger.click();
	const speed = page.locator('#aipkit-usage-core-speed');
	await expect(speed).toBeVisible();
	await expect(speed).toHaveText(new RegExp(`^Backend: ${expected}\\. Measured now: [\\d.,]+ µs per admission decision, [\\d.,]+ µs per price\\.$`));
	const panel = page.locator('.health-check-accordion-panel', { has: speed });
	if ('php' === expected) {
		await expect(panel).toContainText('FFI is optional: it makes every core call faster.');
		await expect(panel.locator('code').first()).toContainText('ffi.enable=1');
	} else {
		await expect(panel).not.toContainText('FFI is optional');
	}
});
