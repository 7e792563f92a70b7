/**
 * The trigger in n8n's editor, driven by a real browser (playwright-core + Debian's Chromium):
 * log in, new workflow, search "Okta" in the node panel, add the trigger, its settings and the
 * credential form. Screenshots go to test-results/screenshots/; with UPDATE_SCREENSHOTS=1 to
 * docs/screenshots/ (committed: they document the node), so that CI leaves the tree clean.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEFAULT_OWNER } from '../../devkit/n8n/http';
import { REPO_ROOT, startN8n, type N8nInstance } from '../../devkit/n8n/runtime';
import { getTestPki } from '../../devkit/okta-sandbox/pki';
import { INSTALL_TIMEOUT_MS } from '../../devkit/n8n/stack';
import { findOnPath } from '../../devkit/executables';

const CHROMIUM = process.env.CHROMIUM_PATH ?? findOnPath('chromium');
const SHOTS = process.env.UPDATE_SCREENSHOTS
	? path.join(REPO_ROOT, 'docs', 'screenshots')
	: path.join(REPO_ROOT, 'test-results', 'screenshots');

let n8n: N8nInstance;
let browser: Browser;
let page: Page;

const describeIfChromium = CHROMIUM ? describe : describe.skip;

async function shot(name: string) {
	fs.mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

describeIfChromium('the trigger in the n8n editor', () => {
	beforeAll(async () => {
		// No Okta needed: the editor only shows the node and its credential form.
		const pki = getTestPki();
		n8n = await startN8n({
			tls: { keyPath: pki.serverKeyPath, certPath: pki.serverCertPath, caCertPath: pki.caCertPath },
			logFile: path.join(REPO_ROOT, 'test-results', 'n8n-editor.log'),
			log: () => undefined,
		});
		await n8n.http.setupOwner(DEFAULT_OWNER);
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
		});
		const context = await browser.newContext({
			ignoreHTTPSErrors: true,
			viewport: { width: 1440, height: 900 },
		});
		page = await context.newPage();
		page.setDefaultTimeout(30000);
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		await browser?.close();
		await n8n?.stop();
		if (n8n) fs.rmSync(n8n.userFolder, { recursive: true, force: true });
	});

	test('log in', async () => {
		await page.goto(`${n8n.baseUrl}/signin`);
		await page
			.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]')
			.first()
			.fill(DEFAULT_OWNER.email);
		await page.locator('input[type="password"]').first().fill(DEFAULT_OWNER.password);
		await shot('01-signin');
		await page
			.locator('[data-test-id="form-submit-button"], button[type="submit"]')
			.first()
			.click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60000 });
	});

	test('search "Okta" in the node panel and add the trigger', async () => {
		await page.goto(`${n8n.baseUrl}/workflow/new`);
		const addFirst = page
			.locator('[data-test-id="canvas-add-button"], [data-test-id="canvas-plus-button"]')
			.first();
		await addFirst.click();
		const search = page
			.locator(
				'[data-test-id="node-creator-search-bar"] input, [data-test-id="node-creator-search-bar"]',
			)
			.first();
		await search.fill('Okta');
		await page.waitForTimeout(1000);
		await shot('02-node-panel-search-okta');
		const item = page
			.locator('[data-test-id="node-creator-node-item"]', { hasText: /Okta MFA Preregistration/i })
			.first();
		await item.click();
		// A trigger with a single event opens its settings (the node details view) directly.
		await page
			.locator('[data-test-id="ndv"], .ndv-wrapper, [data-test-id="node-parameters"]')
			.first()
			.waitFor();
		await page.waitForTimeout(1000);
		await shot('03-trigger-settings');
	});

	test('the credential form', async () => {
		// n8n 2.41.1 shows a "Connect to <credential>" button while no credential of the type exists.
		const connect = page.getByText(/Connect to Okta/i).first();
		if (await connect.isVisible().catch(() => false)) {
			await connect.click();
		} else {
			await page.locator('[data-test-id="node-credentials-select"]').first().click();
			await page
				.getByText(/Create new credential/i)
				.first()
				.click();
		}
		await page
			.locator('[data-test-id="editCredential-modal"], [data-test-id="credential-edit-dialog"]')
			.first()
			.waitFor();
		await page.waitForTimeout(1000);
		await shot('04-credential-form');
	});
});
