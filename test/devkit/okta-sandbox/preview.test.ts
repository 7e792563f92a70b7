import { execFile } from 'child_process';
import * as path from 'path';
import { REPO_ROOT } from '../../../devkit/paths';
import {
	startHookReceiver,
	startOktaSandbox,
	MFA_PREREGISTRATION_EVENT,
	type HookReceiver,
	type OktaSandbox,
} from '../../../devkit/okta-sandbox';
import { request } from '../../../devkit/okta-sandbox/apiClient';
import { FACTOR_DETAIL_KEYS } from '../../../devkit/okta-sandbox/events';
import { deliverPreview, findTestHook } from '../../../devkit/okta-sandbox/preview';
import { toCardItem } from '../../../nodes/events/eventItem';
import { SeenEvents } from '../../../nodes/events/seenEvents';
import { readDelivery } from '../../../nodes/events/delivery';
import { MFA_PREREGISTRATION } from '../../../nodes/events/mfaPreregistration';

let sb: OktaSandbox;
let rx: HookReceiver;

beforeAll(async () => {
	sb = await startOktaSandbox({ deliveryRetryDelayMs: 50 });
	rx = await startHookReceiver();
});
afterEach(() => {
	sb.reset();
	rx.received.length = 0;
	rx.behave(() => undefined);
});
afterAll(async () => {
	await sb.close();
	await rx.close();
});

const received = (i = 0) => rx.received[i].json as any;

describe("Okta's event hook Preview (Deliver Request)", () => {
	it('with no event of the type in the System Log, delivers a sample: undetermined fields null', async () => {
		const hook = sb.seedHook({
			uri: `${rx.url}/hook`,
			secret: 'preview-secret',
			headers: [{ key: 'X-Team', value: 'it' }],
		});
		const result = await deliverPreview(sb, hook.id);

		expect(result).toMatchObject({
			hookId: hook.id,
			filledFrom: 'sample',
			attempt: { status: 200 },
		});
		expect(rx.received).toHaveLength(1);
		expect(rx.received[0]).toMatchObject({ method: 'POST', path: '/hook' });
		expect(rx.received[0].headers).toMatchObject({
			authorization: 'preview-secret',
			'x-team': 'it',
			'content-type': 'application/json',
			'user-agent': 'Okta-Integrations',
		});
		const body = received();
		expect(body).toMatchObject({
			eventType: 'com.okta.event_hook',
			eventTypeVersion: '1.0',
			cloudEventsVersion: '0.1',
			source: `${sb.url}/api/v1/eventHooks/${hook.id}`,
			eventId: result.deliveryId,
			contentType: 'application/json',
		});
		expect(Date.parse(body.eventTime)).not.toBeNaN();
		expect(body.data.events).toEqual([result.event]);
		const [event] = body.data.events;
		expect(event).toMatchObject({
			eventType: MFA_PREREGISTRATION_EVENT,
			displayMessage: 'MFA Preregistration initiated',
			actor: { id: null, alternateId: null, displayName: null },
			client: null,
			request: null,
		});
		expect(event.uuid).toEqual(expect.any(String));
		const factor = event.target.find((t: any) => t.type !== 'User');
		expect(factor.detailEntry).toEqual(
			Object.fromEntries(FACTOR_DETAIL_KEYS.map((key) => [key, null])),
		);
		// A preview is not an Okta event: the System Log stays as it was.
		expect(sb.systemLog).toEqual([]);
		expect(sb.outbound).toEqual([
			expect.objectContaining({ kind: 'delivery', hookId: hook.id, status: 200, attempt: 1 }),
		]);
	});

	it("the node's delivery reader takes the sample, and the card shows its nulls", async () => {
		const hook = sb.seedHook({ uri: `${rx.url}/hook`, secret: 'preview-secret' });
		await deliverPreview(sb, hook.id);
		const verdict = readDelivery({
			headers: rx.received[0].headers,
			body: rx.received[0].body,
			secret: 'preview-secret',
			eventTypes: MFA_PREREGISTRATION.eventTypes,
			seen: new SeenEvents(10),
		});
		if (!('events' in verdict)) throw new Error(`refused: ${JSON.stringify(verdict)}`);
		expect(verdict.events).toHaveLength(1);
		const item = toCardItem(verdict.events[0]);
		expect(item).toMatchObject({
			eventType: MFA_PREREGISTRATION_EVENT,
			actor: { id: null, alternateId: null, displayName: null, type: null },
			oktaUser: { id: null, type: 'User' },
			mfaFactor: { detail: { yubico_product_id: null, fulfillment_provider: null } },
		});
	});

	it('fills the delivery from the latest real event of the type, as the System Log has it', async () => {
		const hook = sb.seedHook({ uri: `${rx.url}/hook`, secret: 's' });
		const older = sb.makeEvent();
		const latest = sb.makeEvent();
		const otherType = sb.makeEventOfType('user.session.start');
		sb.addLogEvents([latest, older, otherType]);

		const result = await deliverPreview(sb, hook.id);
		expect(result.filledFrom).toBe('systemLog');
		expect(received().data.events).toEqual([latest]);
		expect(sb.systemLog).toHaveLength(3);
	});

	it('goes to the chosen hook whatever its status, only for a type it subscribes to', async () => {
		const inactive = sb.seedHook({ uri: `${rx.url}/off`, status: 'INACTIVE', secret: 's' });
		await expect(deliverPreview(sb, inactive.id)).resolves.toMatchObject({
			attempt: { status: 200 },
		});
		await expect(deliverPreview(sb, inactive.id, 'user.session.start')).rejects.toThrow(
			/does not subscribe to user.session.start/,
		);
		await expect(deliverPreview(sb, 'whoNope')).rejects.toThrow(/no hook whoNope/);
		expect(rx.received).toHaveLength(1);
	});

	it('reports a failed answer once, without a retry', async () => {
		const hook = sb.seedHook({ uri: `${rx.url}/hook`, secret: 's' });
		rx.behave(() => ({ status: 500, body: { error: 'boom' } }));
		const result = await deliverPreview(sb, hook.id);
		expect(result.attempt).toMatchObject({ status: 500, body: '{"error":"boom"}' });
		expect(rx.received).toHaveLength(1);
	});
});

describe('the test hook', () => {
	it('is the newest hook whose name ends in "test]", as "Listen for test event" names it', () => {
		const hooks = [
			{ name: 'n8n: wf (workflow 1) [n8n abc test]', created: '2026-01-01T00:00:01.000Z' },
			{ name: 'n8n: wf (workflow 1) [n8n abc test]', created: '2026-01-01T00:00:03.000Z' },
			{ name: 'n8n: wf (workflow 1) [n8n abc]', created: '2026-01-01T00:00:04.000Z' },
		];
		expect(findTestHook(hooks)).toBe(hooks[1]);
		expect(findTestHook(hooks.slice(2))).toBeUndefined();
	});
});

describe('control API and cli.ts preview', () => {
	it('POST /__sandbox/preview delivers to the hook; a bad request answers 400', async () => {
		const hook = sb.seedHook({ uri: `${rx.url}/hook`, secret: 's' });
		const r = await request(sb, 'POST', '/__sandbox/preview', { body: { hookId: hook.id } });
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ hookId: hook.id, filledFrom: 'sample' });
		expect(rx.received).toHaveLength(1);
		const missing = await request(sb, 'POST', '/__sandbox/preview', { body: {} });
		expect(missing).toMatchObject({ status: 400, json: { error: 'hookId is required' } });
		const unknown = await request(sb, 'POST', '/__sandbox/preview', {
			body: { hookId: 'whoNope' },
		});
		expect(unknown.status).toBe(400);
	});

	it('without --hook-id, previews to the "Listen for test event" hook', async () => {
		sb.seedHook({ uri: `${rx.url}/prod`, name: 'n8n: wf (workflow 1) [n8n abc]' });
		const testHook = sb.seedHook({
			uri: `${rx.url}/test`,
			name: 'n8n: wf (workflow 1) [n8n abc test]',
		});
		const tsx = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
		const out = await new Promise<string>((resolve, reject) =>
			execFile(
				tsx,
				[path.join(REPO_ROOT, 'devkit/okta-sandbox/cli.ts'), 'preview', '--url', sb.url],
				{ timeout: 20000 },
				(err, stdout, stderr) =>
					err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
			),
		);
		expect(JSON.parse(out)).toMatchObject({ hookId: testHook.id, attempt: { status: 200 } });
		expect(rx.received.map((r) => r.path)).toEqual(['/test']);
	});
});
