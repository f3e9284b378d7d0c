// WooCommerce credit packages on real WooCommerce (the e2e site's stack; skipped without WooCommerce):
// create a credit product in the product editor, complete its order in wp-admin, see the order note and
// the order box, alice's new balance in Billing > Balances and the grant in Activity's Credits Added,
// and "Check an order" stating why a guest order got nothing.
import { test, expect } from './helpers/fixtures.mjs';

const STACK = process.env.AIPKIT_E2E_STACK || '';
const PAGE = '/wp-admin/admin.php?page=aipkit-usage';

test.skip(!['current', 'legacy'].includes(STACK), `WooCommerce is not on this stack (${STACK || 'unknown'})`);
// WooCommerce's admin screens are heavy: wait for the document, not for every asset, and allow time.
test.setTimeout(240_000);
const go = (page, url) => page.goto(url, { waitUntil: 'domcontentloaded' });

const api = async (page, path, options = {}) => {
	// The page may just have navigated (a form submit): wait until its scripts set up wp.apiFetch.
	await page.waitForFunction(() => typeof window.wp?.apiFetch === 'function');
	return page.evaluate(([p, o]) => window.wp.apiFetch({ path: p, ...o }), [path, options]);
};

/** Opens an order's edit screen (HPOS or posts storage). */
async function openOrder(page, id) {
	await go(page, `/wp-admin/post.php?post=${id}&action=edit`);
	if (!(await page.locator('#order_status').count())) {
		await go(page, `/wp-admin/admin.php?page=wc-orders&action=edit&id=${id}`);
	}
	await expect(page.locator('#order_status')).toBeAttached();
}

/** The product editor's credit package panel (its tab works once WooCommerce's scripts ran). */
async function openCreditTab(page) {
	await page.waitForLoadState('load');
	await page.getByRole('link', { name: 'AI Puffer: Credit Package' }).click();
	await expect(page.getByRole('checkbox', { name: 'Sell this product as an AI Puffer credit package' })).toBeVisible();
}

const creditsAdded = async (page) => {
	await go(page, `${PAGE}&tab=billing&section=activity`);
	const value = page.getByTestId('card-credits_added');
	await expect(value).toBeVisible();
	return Number((await value.innerText()).replace(/,/g, ''));
};

test('a credit product made in the product editor grants its credits when its order is completed', async ({ admin: page }) => {
	// 1. The product editor's box: an invalid amount is refused, a valid one saved.
	await go(page, '/wp-admin/post-new.php?post_type=product');
	const title = `E2E credits ${Date.now()}`;
	await page.locator('#title').fill(title);
	await page.locator('#_regular_price').fill('30');
	await openCreditTab(page);
	await page.getByRole('checkbox', { name: 'Sell this product as an AI Puffer credit package' }).check();
	const amount = page.getByLabel('Credits Granted Per Quantity');
	await amount.fill('1.1234567');
	await page.locator('#publish').click();
	await expect(page.locator('#woocommerce_errors, .notice-error, .error').first()).toContainText('was not saved');
	const productId = Number(new URL(page.url()).searchParams.get('post'));
	expect(productId).toBeGreaterThan(0);
	await openCreditTab(page);
	await page.getByRole('checkbox', { name: 'Sell this product as an AI Puffer credit package' }).check();
	await page.getByLabel('Credits Granted Per Quantity').fill('300');
	await page.locator('#publish').click();
	await expect(page.locator('#message.updated')).toContainText('Product updated');
	await expect(page.locator('#woocommerce_errors')).toHaveCount(0);
	await openCreditTab(page);
	await expect(page.getByLabel('Credits Granted Per Quantity')).toHaveValue('300');

	// The products list shows the amount; Billing > WooCommerce lists the product.
	await go(page, '/wp-admin/edit.php?post_type=product');
	await expect(page.locator(`#post-${productId} td.column-aipkit_credits`)).toHaveText('300');
	await go(page, `${PAGE}&tab=billing&section=woocommerce`);
	const screen = page.locator('[data-screen="woocommerce"]');
	await expect(screen.getByRole('link', { name: title })).toBeVisible();
	await expect(screen.locator('tr', { hasText: title })).toContainText('300');

	// 2. An order for alice, completed in wp-admin.
	const alice = (await api(page, '/wp/v2/users?search=alice&context=edit'))[0];
	const before = (await api(page, '/aipkit/v1/balances?search=alice')).items[0].balance;
	const addedBefore = await creditsAdded(page);
	const order = await api(page, '/wc/v3/orders', {
		method: 'POST',
		data: { customer_id: alice.id, status: 'processing', payment_method: 'cod', line_items: [{ product_id: productId, quantity: 1 }] },
	});
	await openOrder(page, order.id);
	await page.locator('#order_status').evaluate((el) => {
		el.value = 'wc-completed';
		el.dispatchEvent(new Event('change', { bubbles: true }));
	});
	await page.locator('button[name="save"]').click();
	await expect(page.locator('#order_status')).toHaveValue('wc-completed');

	const ledger = (await api(page, `/aipkit/v1/woocommerce/orders/${order.id}/diagnostics`)).ledger;
	expect(ledger.map((r) => [r.kind, r.amount])).toEqual([['purchase', '300.000000']]);
	await expect(page.locator('ul.order_notes')).toContainText(`Granted 300 AI credits to alice, ledger #${ledger[0].id}.`);
	const box = page.locator('#aipkit-usage-credits');
	await expect(box).toContainText('Credits bought');
	await expect(box.locator('tbody tr').first()).toContainText('300');
	await expect(box.getByRole('link', { name: `ledger #${ledger[0].id}` })).toBeVisible();
	await expect(box.getByRole('link', { name: 'Grant now' })).toHaveCount(0);

	// 3. Billing > Balances shows alice's new balance; Activity's Credits Added includes the grant.
	const after = (await api(page, '/aipkit/v1/balances?search=alice')).items[0].balance;
	expect(Number(after) - Number(before)).toBe(300);
	await go(page, `${PAGE}&tab=billing&section=balances`);
	await expect(page.getByLabel('Credit balance of Alice')).toHaveValue(String(Number(after)));
	expect((await creditsAdded(page)) - addedBefore).toBe(300);
});

test.describe('Check an order', () => {
// The unknown order below is a real 404, which Chromium logs as a failed resource.
test.use({ allowedConsoleErrors: [/status of 404/] });

test('"Check an order" on a guest order says why no credits were granted', async ({ admin: page }) => {
	await go(page, `${PAGE}&tab=billing&section=woocommerce`);
	const products = await api(page, '/aipkit/v1/woocommerce');
	const product = products.products.find((p) => p.name === '100 AI credits');
	expect(product, 'the seeded credit package').toBeTruthy();
	const order = await api(page, '/wc/v3/orders', {
		method: 'POST',
		data: { customer_id: 0, status: 'completed', payment_method: 'cod', billing: { email: 'guest@example.test' }, line_items: [{ product_id: product.id, quantity: 2 }] },
	});
	const screen = page.locator('[data-screen="woocommerce"]');
	await screen.getByLabel('Order number').fill(String(order.id));
	await screen.getByLabel('Order number').press('Enter');
	const customer = screen.locator('[data-check="customer"]');
	await expect(customer).toHaveAttribute('data-passed', 'no');
	await expect(customer).toContainText('This is a guest order: credits need a WordPress user account.');
	await expect(screen.locator('[data-check="status"]')).toHaveAttribute('data-passed', 'yes');
	await expect(screen.locator('[data-check="amount"]')).toContainText('worth 200 AI credits');
	await expect(screen).toContainText('The ledger holds nothing for this order.');
	await expect(screen.getByRole('button', { name: 'Grant now' })).toHaveCount(0);

	// An unknown order is a readable error.
	await screen.getByLabel('Order number').fill('99999999');
	await screen.getByRole('button', { name: 'Check order' }).click();
	await expect(screen.getByRole('alert')).toHaveText('There is no order #99999999.');
});
});
