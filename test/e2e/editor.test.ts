/**
 * Both triggers in n8n's editor, driven by a real browser (playwright-core + Debian's Chromium):
 * log in, search "Okta" in the node panel, the event-hook trigger's settings and credential form,
 * the polling trigger's settings and its Authentication choice, the event-hook trigger's panel
 * with its instructions, and the imported example with its pinned data; then the Okta Trigger's
 * Event Types (Okta's catalog, searched by id) and the imported user welcome example (the Okta
 * Trigger's panel, its chosen type, its pinned event). Screenshots go to
 * test-results/screenshots/; with UPDATE_SCREENSHOTS=1 to docs/screenshots/ (committed: they
 * document the nodes), so that CI leaves the tree clean.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TriggerPanelDefinition } from 'n8n-workflow';
import { importExampleWorkflow } from '../../devkit/n8n/devWorkflows';
import {
	EXAMPLE_WORKFLOW_FILE,
	USER_CREATED_EVENT,
	USER_WELCOME,
	readExample,
} from '../../devkit/n8n/exampleWorkflow';
import { DEFAULT_OWNER } from '../../devkit/n8n/http';
import { REPO_ROOT, startN8n, type N8nInstance } from '../../devkit/n8n/runtime';
import { INSTALL_TIMEOUT_MS } from '../../devkit/n8n/stack';
import { TRIGGER_NODE_NAME, findTriggerType, triggerWorkflow } from '../../devkit/n8n/workflows';
import { getTestPki } from '../../devkit/okta-sandbox/pki';
import { findOnPath } from '../../devkit/executables';
import { AUTHENTICATION_PROPERTY } from '../../nodes/events/authentication';
import { eventTypeOptions } from '../../nodes/events/eventTypeCatalog';
import { OktaMfaPreregistrationPollTrigger } from '../../nodes/OktaMfaPreregistrationPollTrigger/OktaMfaPreregistrationPollTrigger.node';
import { OktaMfaPreregistrationTrigger } from '../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node';
import { TRIGGER_PANEL_TEXTS } from '../../nodes/OktaMfaPreregistrationTrigger/triggerPanel';
import { OktaTrigger } from '../../nodes/OktaTrigger/OktaTrigger.node';
import { TRIGGER_PANEL_TEXTS as OKTA_TRIGGER_PANEL_TEXTS } from '../../nodes/OktaTrigger/triggerPanel';

const CHROMIUM = process.env.CHROMIUM_PATH ?? findOnPath('chromium');
const SHOTS = process.env.UPDATE_SCREENSHOTS
	? path.join(REPO_ROOT, 'docs', 'screenshots')
	: path.join(REPO_ROOT, 'test-results', 'screenshots');

const HOOK_TRIGGER = new OktaMfaPreregistrationTrigger().description;
const POLL_TRIGGER = new OktaMfaPreregistrationPollTrigger().description;
const CATCH_UP_OPTION = (
	POLL_TRIGGER.properties.find((p) => p.name === 'options')!.options as Array<{
		displayName: string;
	}>
)[0].displayName;
const AUTHENTICATION_CHOICES = AUTHENTICATION_PROPERTY.options!.map((o) => o.name);
const OKTA_TRIGGER = new OktaTrigger().description;
const EVENT_HOOK_TYPES = eventTypeOptions('eventHook');
/** How the Event Types list names "user created": Okta's catalog name and the id. */
const USER_CREATED_OPTION = EVENT_HOOK_TYPES.find((o) => o.value === USER_CREATED_EVENT)!.name;

let n8n: N8nInstance;
let browser: Browser;
let page: Page;

const describeIfChromium = CHROMIUM ? describe : describe.skip;

async function shot(name: string) {
	fs.mkdirSync(SHOTS, { recursive: true });
	// The pointer away from the panels, so that no tooltip covers them.
	await page.mouse.move(5, 890);
	await page.waitForTimeout(500);
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** An HTML text as the browser shows it: tags dropped, line breaks and runs of space as one space. */
const shown = (html: string) =>
	html
		.replace(/<br\s*\/?>/gi, ' ')
		.replace(/<[^>]+>/g, '')
		.replace(/\s+/g, ' ')
		.trim();

async function ndvText(): Promise<string> {
	return (await page.locator('[data-test-id="ndv"]').first().innerText()).replace(/\s+/g, ' ');
}

async function openNewWorkflowWith(nodeDisplayName: string) {
	await page.goto(`${n8n.baseUrl}/workflow/new`);
	await page
		.locator('[data-test-id="canvas-add-button"], [data-test-id="canvas-plus-button"]')
		.first()
		.click();
	await page
		.locator(
			'[data-test-id="node-creator-search-bar"] input, [data-test-id="node-creator-search-bar"]',
		)
		.first()
		.fill('Okta');
	await page
		.locator('[data-test-id="node-creator-node-item"]', { hasText: nodeDisplayName })
		.first()
		.click();
	// A trigger with a single event opens its settings (the node details view) directly.
	await page.locator('[data-test-id="ndv"]').first().waitFor();
	await page.waitForTimeout(1000);
}

/** Opens a saved workflow and the details view of its first node. */
async function openFirstNode(workflowId: string) {
	await page.goto(`${n8n.baseUrl}/workflow/${workflowId}`);
	await page.locator('[data-test-id="canvas-node"]').first().dblclick();
	await page.locator('[data-test-id="ndv"]').first().waitFor();
	await page.waitForTimeout(1000);
}

/**
 * The credential form for a node without a credential: "Connect to …" (2.41), "Set up credential"
 * (2.20), else the credential select's "Create new".
 */
async function openNewCredentialForm() {
	const connect = page.getByText(/Connect to Okta/i).first();
	const setUp = page.getByText('Set up credential', { exact: true }).first();
	if (await connect.isVisible().catch(() => false)) {
		await connect.click();
	} else if (await setUp.isVisible().catch(() => false)) {
		await setUp.click();
	} else {
		await page.locator('[data-test-id="node-credentials-select"]').first().click();
		await page.locator('[data-test-id="node-credentials-select-item-new"]').first().click();
	}
	await page
		.locator('[data-test-id="editCredential-modal"], [data-test-id="credential-edit-dialog"]')
		.first()
		.waitFor();
	await page.waitForTimeout(1000);
}

describeIfChromium('both triggers in the n8n editor', () => {
	beforeAll(async () => {
		// No Okta needed: the editor only shows the nodes, their credential forms and pinned data.
		const pki = getTestPki();
		n8n = await startN8n({
			tls: { keyPath: pki.serverKeyPath, certPath: pki.serverCertPath, caCertPath: pki.caCertPath },
			logFile: path.join(REPO_ROOT, 'test-results', 'n8n-editor.log'),
			log: () => undefined,
		});
		await n8n.http.setupOwner(DEFAULT_OWNER);
		await n8n.http.createApiKey();
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
		// Leaving an unsaved workflow asks before unloading: leave.
		page.on('dialog', (dialog) => void dialog.accept());
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

	test('searching "Okta" in the node panel offers both triggers; the event-hook trigger\'s settings', async () => {
		await page.goto(`${n8n.baseUrl}/workflow/new`);
		await page
			.locator('[data-test-id="canvas-add-button"], [data-test-id="canvas-plus-button"]')
			.first()
			.click();
		await page
			.locator(
				'[data-test-id="node-creator-search-bar"] input, [data-test-id="node-creator-search-bar"]',
			)
			.first()
			.fill('Okta');
		const items = page.locator('[data-test-id="node-creator-node-item"]');
		for (const trigger of [HOOK_TRIGGER, POLL_TRIGGER])
			await items.filter({ hasText: trigger.displayName }).first().waitFor();
		await shot('02-node-panel-search-okta');
		await items.filter({ hasText: HOOK_TRIGGER.displayName }).first().click();
		await page.locator('[data-test-id="ndv"]').first().waitFor();
		await page.waitForTimeout(1000);
		await shot('03-trigger-settings');
	});

	test('the credential form', async () => {
		await openNewCredentialForm();
		await shot('04-credential-form');
	});

	test("the polling trigger's settings: Poll Times and the catch-up option", async () => {
		await openNewWorkflowWith(POLL_TRIGGER.displayName);
		await page.getByText('Add option').first().click();
		await page.getByText(CATCH_UP_OPTION).last().click();
		await page.waitForTimeout(500);
		const text = await ndvText();
		expect(text).toContain('Poll Times');
		expect(text).toContain(CATCH_UP_OPTION);
		await shot('05-poll-trigger-settings');
	});

	test("the polling trigger's Authentication: API token or OAuth2 service app, chosen in the credential form", async () => {
		await openNewCredentialForm();
		// Newer n8n shows a node's Authentication choice as the credential form's mode selector;
		// older releases (2.8) as "Connect using" radio buttons.
		const choose = page.locator('[data-test-id="credential-mode-dropdown-trigger"]').first();
		const choices = page.getByRole('menuitem').filter({ hasText: /\S/ });
		await choose.or(page.getByText('Connect using')).first().waitFor();
		if ((await choose.count()) === 0) {
			await page.getByText('Connect using').first().waitFor();
			for (const choice of AUTHENTICATION_CHOICES)
				await expect(page.getByText(choice, { exact: true }).count()).resolves.toBeGreaterThan(0);
			await page.getByText(AUTHENTICATION_CHOICES[1], { exact: true }).first().click();
			await page.getByText('Client ID').first().waitFor();
			await shot('06-poll-trigger-authentication');
			return;
		}
		await choose.click();
		await choices.first().waitFor();
		// (2.20's menu also holds an item with no visible text.)
		const offered = (await choices.allInnerTexts()).map((text) => text.trim()).filter(Boolean);
		expect(offered).toEqual(AUTHENTICATION_CHOICES);
		// The service app's form, with the choice open again.
		await choices.filter({ hasText: AUTHENTICATION_CHOICES[1] }).click();
		await page.getByText('Client ID').first().waitFor();
		await choose.click();
		await choices.first().waitFor();
		await shot('06-poll-trigger-authentication');
	});

	test("the event-hook trigger's panel says how to get a test event from Okta", async () => {
		const trigger = await findTriggerType(n8n.http);
		const credential = await n8n.http.createCredential('Okta', 'oktaEventHookApi', {
			url: 'https://acme.okta.com',
			accessToken: 'an-api-token',
		});
		// eslint-disable-next-line @typescript-eslint/no-unused-vars -- n8n assigns webhook ids itself
		const { webhookId, ...workflow } = triggerWorkflow({
			name: 'YubiKey shipment',
			triggerType: trigger.name,
			triggerVersion: trigger.version,
			credential,
		});
		const created = await n8n.http.createWorkflow(workflow);
		await openFirstNode(created.id);

		const { header, executionsHelp, activationHint } = TRIGGER_PANEL_TEXTS.triggerPanel;
		await page.locator('[data-test-id="trigger-header"]', { hasText: header }).waitFor();
		await page.getByText('When will this node trigger my flow?').first().click();
		await page.waitForTimeout(500);
		const text = await ndvText();
		expect(text).toContain(shown(activationHint as string));
		expect(text).toContain(shown((executionsHelp as { inactive: string }).inactive));
		await shot('07-trigger-panel');
	});

	test('the imported example shows its pinned event', async () => {
		const example = JSON.parse(fs.readFileSync(EXAMPLE_WORKFLOW_FILE, 'utf8'));
		const pinned = example.pinData[TRIGGER_NODE_NAME][0].json;
		const imported = await importExampleWorkflow(n8n.http);
		await openFirstNode(imported.id);
		const output = page.locator('[data-test-id="output-panel"]').first();
		await output.getByText('JSON', { exact: true }).click();
		await page.waitForTimeout(500);
		const text = (await output.innerText()).replace(/\s+/g, ' ');
		expect(text).toMatch(/This data is pinned/);
		for (const value of [
			pinned.eventType,
			pinned.oktaUser.alternateId,
			pinned.mfaFactor.displayName,
			pinned.mfaFactor.detail.yubico_product_id,
		])
			expect(text).toContain(value);
		await shot('08-example-pinned-data');
	});
	test("the Okta Trigger's Event Types: Okta's catalog, searchable by id", async () => {
		await openNewWorkflowWith(OKTA_TRIGGER.displayName);
		expect(await ndvText()).toContain('Event Types');
		const events = page.locator('[data-test-id="parameter-input-events"]').first();
		await events.click();
		// Every event-hook-eligible type of the catalog is offered (the list is long: by count).
		const offered = page.locator('.el-select-dropdown__item:visible');
		await offered.first().waitFor();
		await page.keyboard.type(USER_CREATED_EVENT);
		await offered.filter({ hasText: USER_CREATED_OPTION }).first().waitFor();
		await page.waitForTimeout(500);
		const found = (await offered.allInnerTexts()).map((text) => text.trim()).filter(Boolean);
		expect(found).toContain(USER_CREATED_OPTION);
		expect(found.every((text) => text.includes(USER_CREATED_EVENT))).toBe(true);
		await shot('09-okta-trigger-event-types');
		await offered.filter({ hasText: USER_CREATED_OPTION }).first().click();
		await page.keyboard.press('Escape');
		await page.waitForTimeout(500);
		expect(await ndvText()).toContain(USER_CREATED_OPTION);
	});

	test("the imported user welcome example: the Okta Trigger's panel, its chosen type, its pinned event", async () => {
		const { pinned } = readExample(USER_WELCOME);
		const imported = await importExampleWorkflow(n8n.http, undefined, USER_WELCOME);
		await openFirstNode(imported.id);
		const { header, activationHint } =
			OKTA_TRIGGER_PANEL_TEXTS.triggerPanel as TriggerPanelDefinition;
		await page.locator('[data-test-id="trigger-header"]', { hasText: header }).waitFor();
		await page.getByText('When will this node trigger my flow?').first().click();
		await page.waitForTimeout(500);
		expect(await ndvText()).toContain(shown(activationHint as string));
		expect(await ndvText()).toContain(USER_CREATED_OPTION);
		const output = page.locator('[data-test-id="output-panel"]').first();
		await output.getByText('JSON', { exact: true }).click();
		await page.waitForTimeout(500);
		const text = (await output.innerText()).replace(/\s+/g, ' ');
		expect(text).toMatch(/This data is pinned/);
		for (const value of [
			pinned.eventType,
			pinned.oktaUser.alternateId,
			pinned.oktaUser.displayName,
		])
			expect(text).toContain(value);
		await shot('10-okta-trigger-panel-welcome-example');
	});
});
