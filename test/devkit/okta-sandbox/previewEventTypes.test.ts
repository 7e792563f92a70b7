/**
 * Okta's event hook Preview (Admin Console → the hook → Preview → an event type → Deliver
 * Request) for any event-hook-eligible type the hook subscribes to: filled from the org's latest
 * event of that type in the System Log, else Okta's sample (undetermined fields null). In process,
 * over POST /__sandbox/preview and with `npm run sandbox -- preview --event-type`.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { REPO_ROOT } from '../../../devkit/paths';
import {
	startHookReceiver,
	startOktaSandbox,
	type HookReceiver,
	type LogEvent,
	type OktaSandbox,
} from '../../../devkit/okta-sandbox';
import { request } from '../../../devkit/okta-sandbox/apiClient';
import { deliverPreview, sampleEvent } from '../../../devkit/okta-sandbox/preview';
import { allEventTypes, eventHookEventTypes } from '../../../nodes/events/eventTypeCatalog';

let sb: OktaSandbox;
let rx: HookReceiver;

beforeAll(async () => {
	sb = await startOktaSandbox();
	rx = await startHookReceiver();
});
afterEach(() => {
	sb.reset();
	rx.received.length = 0;
});
afterAll(async () => {
	await sb.close();
	await rx.close();
});

const GROUP_ADD = 'group.user_membership.add';
const CREATE = 'user.lifecycle.create';
const previewed = () =>
	(rx.received.at(-1)!.json as { data: { events: Array<Record<string, any>> } }).data.events;

describe('Preview of any eligible event type', () => {
	it('fills from the latest event of the type (by published), sent as the System Log has it', async () => {
		const hook = sb.seedHook({ uri: `${rx.url}/p`, eventTypes: [CREATE, GROUP_ADD] });
		const [, latest] = await sb
			.emitEvents([
				GROUP_ADD,
				{ eventType: GROUP_ADD, overrides: { actor: { alternateId: 'hr@example.com' } } },
				CREATE,
			])
			.then((r) => r.events);
		rx.received.length = 0;

		const result = await deliverPreview(sb, hook.id, GROUP_ADD);
		expect(result).toMatchObject({ filledFrom: 'systemLog', attempt: { status: 200 } });
		expect(previewed()).toEqual([latest]);
		// A preview is not a System Log event.
		expect(sb.systemLog).toHaveLength(3);
	});

	it("without one, Okta's sample: the type, its display message and target types; who and where null", async () => {
		const hook = sb.seedHook({ uri: `${rx.url}/p`, eventTypes: [GROUP_ADD] });
		const result = await deliverPreview(sb, hook.id, GROUP_ADD);
		expect(result.filledFrom).toBe('sample');
		const [event] = previewed();
		expect(event).toMatchObject({
			eventType: GROUP_ADD,
			version: '0',
			displayMessage: 'Add user to group membership',
			actor: { id: null, type: null, alternateId: null, displayName: null },
			client: null,
			outcome: { result: 'SUCCESS', reason: null },
		});
		expect(event.target).toEqual([
			{ id: null, type: 'User', alternateId: null, displayName: null, detailEntry: null },
			{ id: null, type: 'UserGroup', alternateId: null, displayName: null, detailEntry: null },
		]);
	});

	it('samples of every eligible type carry the type and a message; a type without targets has target null', () => {
		for (const { id } of eventHookEventTypes()) {
			const sample = sampleEvent(id);
			expect(sample.eventType).toBe(id);
			expect(typeof sample.displayMessage).toBe('string');
		}
		expect(sampleEvent('user.session.start').target).toBeNull();
	});

	it('refuses a type the hook does not subscribe to, or one no event hook may have', async () => {
		const ineligible = allEventTypes().find((t) => !t.eventHook)!.id;
		const hook = sb.seedHook({ uri: `${rx.url}/p`, eventTypes: [CREATE, ineligible] });
		await expect(deliverPreview(sb, hook.id, GROUP_ADD)).rejects.toThrow(/does not subscribe/);
		await expect(deliverPreview(sb, hook.id, ineligible)).rejects.toThrow(
			/not an event-hook-eligible/,
		);
		expect(rx.received).toHaveLength(0);
	});

	it('over the control API and the CLI, with --event-type', async () => {
		const hook = sb.seedHook({
			name: 'n8n Okta Trigger [My workflow test]',
			uri: `${rx.url}/cli`,
			eventTypes: [CREATE, GROUP_ADD],
		});
		const r = await request(sb, 'POST', '/__sandbox/preview', {
			body: { hookId: hook.id, eventType: CREATE },
		});
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ filledFrom: 'sample', event: { eventType: CREATE } });
		const bad = await request(sb, 'POST', '/__sandbox/preview', {
			body: { hookId: hook.id, eventType: 'user.session.start' },
		});
		expect(bad.status).toBe(400);

		const tsx = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
		const out = await new Promise<string>((resolve, reject) =>
			execFile(
				tsx,
				[
					path.join(REPO_ROOT, 'devkit/okta-sandbox/cli.ts'),
					'preview',
					'--url',
					sb.url,
					'--event-type',
					GROUP_ADD,
				],
				{ timeout: 20000 },
				(err, stdout, stderr) =>
					err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
			),
		);
		expect(JSON.parse(out)).toMatchObject({ hookId: hook.id, event: { eventType: GROUP_ADD } });
		expect((previewed()[0] as LogEvent).eventType).toBe(GROUP_ADD);
	});
});
