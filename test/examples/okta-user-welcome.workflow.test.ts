import * as fs from 'node:fs';
import {
	OKTA_TRIGGER_NODE_NAME,
	USER_CREATED_EVENT,
	USER_WELCOME,
	WELCOME_NODE,
	buildExampleWorkflow,
	deliveryOf,
	exampleFor,
	installedTriggerType,
	readExample,
	triggerItem,
} from '../../devkit/n8n/exampleWorkflow';
import { testWorkflow } from '../../devkit/n8n/core';
import { callWebhook } from '../../devkit/n8n/webhookServer';
import { expectOktaSchema } from '../../devkit/okta-spec/schemas';
import { eventTypeOptions } from '../../nodes/events/eventTypeCatalog';
import { OktaTrigger } from '../../nodes/OktaTrigger/OktaTrigger.node';

const { workflow: file, pinned } = readExample(USER_WELCOME);
const trigger = file.nodes.find((n: any) => n.name === OKTA_TRIGGER_NODE_NAME)!;
const regenerate =
	'regenerate it with `npx tsx scripts/example-data.ts okta-user-welcome.workflow.json`';

/** The `$json.…` paths an expression reads. */
const pathsIn = (expression: string) =>
	[...expression.matchAll(/\{\{ \$json\.([\w.?]+) \}\}/g)].map((match) => match[1]);
const valueAt = (path: string) =>
	path.split(/\??\./).reduce((object: any, key: string) => object?.[key], pinned);

describe('examples/okta-user-welcome.workflow.json', () => {
	it(`is exactly what the node's mapping and the devkit's welcome node give today (else ${regenerate})`, () => {
		expect(file).toEqual(buildExampleWorkflow(deliveryOf(pinned), USER_WELCOME));
	});

	it('pins the Okta Trigger\'s item for a realistic "user created" event: the new user as Okta User', () => {
		expect(file.pinData[OKTA_TRIGGER_NODE_NAME]).toHaveLength(1);
		expectOktaSchema('LogEvent', pinned.eventDetails, { direction: 'response' });
		expect(pinned.eventType).toBe(USER_CREATED_EVENT);
		const [user] = pinned.eventDetails.target.filter((t: any) => t.type === 'User');
		expect(pinned.oktaUser).toEqual({
			id: user.id,
			alternateId: user.alternateId,
			displayName: user.displayName,
			type: 'User',
		});
		expect(pinned.actor.id).not.toBe(user.id);
		expect(pinned.headers).not.toHaveProperty('authorization');
		expect(triggerItem(deliveryOf(pinned), USER_WELCOME)).toEqual(pinned);
	});

	it("is the item the Okta Trigger's webhook() emits for that delivery with the file's parameters", async () => {
		const secret = 'the-delivery-secret-0123456789abcdef';
		const { headers, envelope } = deliveryOf(pinned);
		const answer = await callWebhook(
			testWorkflow({
				nodeType: new OktaTrigger(),
				// No Okta here: the System Log is not read.
				parameters: { ...trigger.parameters, recoverMissedEvents: false },
				node: { name: OKTA_TRIGGER_NODE_NAME, webhookId: 'okta-user-welcome' },
				nodeStaticData: { hookId: 'who1a2b3c4d5e6f7g8h9', secret },
			}),
			{ webhookName: 'default', headers: { ...headers, authorization: secret }, body: envelope },
		);
		expect(answer.error).toBeUndefined();
		expect(answer.workflowData).toEqual([[pinned]]);
	});

	it('names the trigger as n8n names it once the community package is installed, on "user created"', () => {
		const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
		const node = new OktaTrigger().description;
		expect(installedTriggerType(USER_WELCOME)).toBe(`${pkg.name}.${node.name}`);
		expect(pkg.n8n.nodes).toContain('dist/nodes/OktaTrigger/OktaTrigger.node.js');
		expect(trigger).toMatchObject({
			type: `${pkg.name}.${node.name}`,
			typeVersion: node.defaultVersion ?? node.version,
			parameters: { events: [USER_CREATED_EVENT] },
		});
		expect(node.defaults.name).toBe(OKTA_TRIGGER_NODE_NAME);
		const offered = eventTypeOptions('eventHook').map((option) => option.value);
		expect(offered).toContain(USER_CREATED_EVENT);
	});

	it("composes the welcome message from fields the pinned item has: to the new user's login, with their name", () => {
		const fields = file.nodes.find((n: any) => n.type === 'n8n-nodes-base.set')!;
		expect(fields.name).toBe(WELCOME_NODE.name);
		const assignments = fields.parameters.assignments.assignments as Array<{
			name: string;
			value: string;
		}>;
		expect(assignments.map((a) => a.name)).toEqual(['to', 'subject', 'text']);
		for (const { value } of assignments) {
			expect(pathsIn(value).length).toBeGreaterThan(0);
			for (const path of pathsIn(value))
				expect([path, valueAt(path)]).toEqual([path, expect.any(String)]);
		}
		const byName = Object.fromEntries(assignments.map((a) => [a.name, a.value]));
		expect(byName.to).toBe('={{ $json.oktaUser.alternateId }}');
		expect(pathsIn(byName.subject)).toContain('oktaUser.displayName');
		expect(pathsIn(byName.text)).toContain('oktaUser.displayName');
		// Nothing beyond Okta: no node that needs a credential of its own.
		expect(file.nodes.map((n: any) => n.type)).toEqual([
			installedTriggerType(USER_WELCOME),
			'n8n-nodes-base.set',
		]);
	});

	it('loads under another node type (the package loaded from N8N_CUSTOM_EXTENSIONS)', () => {
		const local = exampleFor(file, { triggerType: 'CUSTOM.oktaTrigger' });
		expect(local.nodes.find((n: any) => n.name === OKTA_TRIGGER_NODE_NAME)!.type).toBe(
			'CUSTOM.oktaTrigger',
		);
		expect(trigger.type).toBe(installedTriggerType(USER_WELCOME));
	});
});
