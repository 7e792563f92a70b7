/**
 * Reliability, part 4: secret hygiene, in-process. The delivery secret (and the API token) never
 * appear in items, errors, webhook answers or the hook as Okta's API shows it; the secret is 256
 * bits from the CSPRNG; comparison is constant-time. n8n's own log is grepped by the e2e suite.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';

import { secretMatches } from '../../nodes/events/delivery';
import { startOktaSandbox } from '../../devkit/okta-sandbox';
import type { OktaSandbox } from '../../devkit/okta-sandbox';
import { startTriggerHost } from '../../devkit/n8n/triggerHost';
import type { TriggerHost } from '../../devkit/n8n/triggerHost';
import { closedPort, n8nDriver } from './n8nDriver';
import { errorText, recordFigures } from './results';

const SOURCES = path.join(__dirname, '..', '..', 'nodes');
const HOOKS = 20;

let sandbox: OktaSandbox;
let host: TriggerHost;
const figures: Record<string, unknown> = {};
const secrets: string[] = [];

beforeAll(async () => {
	sandbox = await startOktaSandbox({ verificationRetryDelayMs: 100, deliveryRetryDelayMs: 50 });
	host = await startTriggerHost({
		credentials: { url: sandbox.url, accessToken: sandbox.token },
		ca: sandbox.caCertPem,
	});
	for (let index = 0; index < HOOKS; index++) {
		const node = host.register({ webhookId: `secret-${index}` });
		await node.publish();
		secrets.push(String(node.stored.secret));
	}
});
afterAll(async () => {
	recordFigures('secret-hygiene', figures);
	await host?.close();
	await sandbox?.close();
});

function get(pathname: string): Promise<string> {
	return new Promise((resolve, reject) => {
		https
			.get(
				`${sandbox.url}${pathname}`,
				{
					headers: { Authorization: `SSWS ${sandbox.token}`, Accept: 'application/json' },
					ca: sandbox.caCertPem,
				},
				(response) => {
					let text = '';
					response.on('data', (chunk) => (text += chunk));
					response.on('end', () => resolve(text));
				},
			)
			.on('error', reject);
	});
}

const found = (haystack: string, needles: string[]) =>
	needles.filter((needle) => haystack.includes(needle)).length;

describe('the secret', () => {
	it('is 256 bits, different for every hook, from crypto.randomBytes', () => {
		const lengths = secrets.map((secret) => Buffer.from(secret, 'base64url').length);
		figures.secretBits = Math.min(...lengths) * 8;
		figures.secretsDistinct = `${new Set(secrets).size} of ${secrets.length}`;
		expect(Math.min(...lengths)).toBeGreaterThanOrEqual(32);
		expect(new Set(secrets).size).toBe(secrets.length);
		const source = fs.readFileSync(path.join(SOURCES, 'events', 'hookLifecycle.ts'), 'utf8');
		expect(source).toMatch(/randomBytes\(32\)/);
		figures.secretSource = 'crypto.randomBytes(32), base64url (43 characters)';
	});

	it('is compared in constant time: SHA-256 digests of equal length through crypto.timingSafeEqual', () => {
		const source = fs.readFileSync(path.join(SOURCES, 'events', 'delivery.ts'), 'utf8');
		expect(source).toMatch(/timingSafeEqual\(digest\(received\), digest\(secret\)\)/);
		expect(source).toMatch(/createHash\('sha256'\)/);
		// No other comparison of the Authorization header anywhere in the shipped code.
		const shipped = [
			'events/delivery.ts',
			'events/eventHookTrigger.ts',
			'events/hookLifecycle.ts',
			'OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node.ts',
			'OktaTrigger/OktaTrigger.node.ts',
		]
			.map((file) => fs.readFileSync(path.join(SOURCES, file), 'utf8'))
			.join('\n');
		expect(shipped).not.toMatch(/secret\s*===|===\s*secret|authorization\s*===/i);
		// Any length compares without throwing (timingSafeEqual throws on unequal lengths).
		for (const received of ['', 'x', secrets[0].slice(0, 10), `${secrets[0]}${'y'.repeat(10_000)}`])
			expect(secretMatches(received, secrets[0])).toBe(false);
		expect(secretMatches(secrets[0], secrets[0])).toBe(true);
		figures.comparison =
			'SHA-256 of both values, then crypto.timingSafeEqual (equal 32-byte digests, so length leaks nothing)';
	});

	it("never appears in the hook as Okta's API shows it (list and get), its name or custom headers", async () => {
		const list = await get('/api/v1/eventHooks');
		const each = await Promise.all(
			sandbox.hooks().map((hook) => get(`/api/v1/eventHooks/${hook.id}`)),
		);
		const leaks = found(list, secrets) + each.reduce((sum, text) => sum + found(text, secrets), 0);
		const nameOrHeaders = sandbox
			.hooks()
			.reduce(
				(sum, hook) =>
					sum + found(`${hook.name} ${JSON.stringify(hook.channel.config.headers)}`, secrets),
				0,
			);
		figures.apiViewLeaks = leaks;
		figures.nameOrHeaderLeaks = nameOrHeaders;
		expect(JSON.parse(list)).toHaveLength(HOOKS);
		expect(leaks).toBe(0);
		expect(nameOrHeaders).toBe(0);
	});

	it('never appears in items or in any webhook answer (accepted, 401, 400, verification)', async () => {
		await sandbox.emit(5);
		// A wrong guess, a guess sharing the secret's prefix, a malformed body.
		const url = `https://localhost:${new URL(host.baseUrl).port}/webhook/secret-0/webhook`;
		const post = (authorization: string, body: string) =>
			new Promise<void>((resolve, reject) => {
				const request = https.request(
					url,
					{
						method: 'POST',
						headers: { authorization, 'content-type': 'application/json' },
						ca: sandbox.caCertPem,
					},
					(response) => {
						response.resume();
						response.on('end', () => resolve());
					},
				);
				request.on('error', reject);
				request.end(body);
			});
		await post(secrets[0].slice(0, 20), '{"data":{"events":[]}}');
		await post(secrets[0], '{"not":"okta"}');
		const items = JSON.stringify(host.executions);
		const answers = JSON.stringify(host.answers);
		figures.executionsChecked = host.executions.length;
		figures.itemsChecked = host.executions.reduce(
			(sum, execution) => sum + execution.items.length,
			0,
		);
		figures.answersChecked = host.answers.length;
		figures.itemLeaks = found(items, [...secrets, sandbox.token]);
		figures.answerLeaks = found(answers, [...secrets, sandbox.token]);
		expect(host.executions.length).toBeGreaterThanOrEqual(HOOKS);
		expect(items).not.toMatch(/"authorization"/i);
		expect(figures.itemLeaks).toBe(0);
		expect(figures.answerLeaks).toBe(0);
	});

	it('never appears in an error, its stack or its cause chain, even when the request that carried it failed', async () => {
		const refusedPort = await closedPort();
		const cases: Array<[string, () => void, Parameters<typeof n8nDriver>[0]['faults']]> = [
			['create refused (connection)', () => undefined, { refuse: 'create' }],
			[
				'create timed out',
				() => sandbox.injectFault({ op: 'create', kind: 'timeout', times: Infinity }),
				{ timeout: { op: 'create', ms: 300 } },
			],
			[
				'create answered 500',
				() => sandbox.injectFault({ op: 'create', status: 500, times: Infinity }),
				{},
			],
			[
				'create answered 400 echoing the body',
				() =>
					sandbox.injectFault({
						op: 'create',
						status: 400,
						times: Infinity,
						body: {
							errorCode: 'E0000001',
							errorSummary: 'Api validation failed',
							errorCauses: [{ errorSummary: 'bad' }],
						},
					}),
				{},
			],
			[
				'verify failed, clean-up refused',
				() => {
					sandbox.injectFault({ op: 'verify', status: 400, times: Infinity });
					sandbox.injectFault({ op: 'deactivate', status: 500, times: Infinity });
				},
				{},
			],
		];
		let errorsChecked = 0;
		let leaks = 0;
		for (const [name, inject, faults] of cases) {
			const hosted = host.register({ webhookId: `secret-error-${name.replace(/\W+/g, '-')}` });
			inject();
			const outcome = await n8nDriver({
				hosted,
				credentials: { url: sandbox.url, accessToken: sandbox.token },
				faults,
				refusedPort,
			}).publish();
			sandbox.clearFaults();
			expect(outcome.ok).toBe(false);
			const sent = hosted.calls
				.map(
					(call) =>
						(call.body as { channel?: { config?: { authScheme?: { value?: string } } } })?.channel
							?.config?.authScheme?.value,
				)
				.filter((value): value is string => !!value);
			expect(sent.length).toBeGreaterThan(0);
			for (const error of [outcome.error, ...outcome.cleanupErrors]) {
				errorsChecked += 1;
				leaks += found(errorText(error), [...sent, sandbox.token]);
			}
		}
		figures.errorsChecked = errorsChecked;
		figures.errorLeaks = leaks;
		expect(leaks).toBe(0);
	});
});
