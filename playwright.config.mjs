// Browser tests run against the site bin/test-browser starts (AIPKIT_E2E_URL), with Debian's Chromium:
// no browser download, one worker per site (one WordPress, shared state); bin/test-browser runs one
// pass per core backend, each on its own site.
import path from 'node:path';
import { defineConfig } from '@playwright/test';

export const chromiumArgs = [
	'--headless=new',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-dev-shm-usage',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];

export default defineConfig({
	testDir: 'tests/browser',
	testMatch: '**/*.spec.mjs',
	workers: 1,
	fullyParallel: false,
	retries: 0,
	// Per test. bin/test-browser runs two passes (FFI and the PHP core) side by side on what may be a 2-core
	// runner: under that load a wp-admin login plus two page loads took over 60 s (every step progressing),
	// so the budget is 120 s; the long scenarios set their own (180–240 s).
	timeout: 120_000,
	expect: { timeout: 10_000 },
	reporter: 'list',
	// Per local dir and pass (bin/test-browser runs an FFI and a PHP-core pass side by side): Playwright
	// empties its output dir at start, so two runs must not share one.
	outputDir: path.join(process.env.AIPKIT_LOCAL_DIR || '.local', process.env.AIPKIT_E2E_NAME === 'e2e-php' ? 'test-results-php' : 'test-results'),
	use: {
		baseURL: process.env.AIPKIT_E2E_URL || 'http://127.0.0.1:8089',
		headless: true,
		launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		viewport: { width: 1280, height: 900 },
	},
});
