import * as fs from 'node:fs';
import {
	EXAMPLE_WORKFLOW_FILE,
	INSTALLED_TRIGGER_TYPE,
	TRIGGER_VERSION,
	buildExampleWorkflow,
	deliveryOf,
	exampleFor,
	triggerItem,
} from '../../devkit/n8n/exampleWorkflow';
import { TRIGGER_NODE_NAME } from '../../devkit/n8n/workflows';
import { FACTOR_DETAIL_KEYS } from '../../devkit/okta-sandbox/events';
import { expectOktaSchema } from '../../devkit/okta-spec/schemas';
import { OktaMfaPreregistrationTrigger } from '../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node';

const file = JSON.parse(fs.readFileSync(EXAMPLE_WORKFLOW_FILE, 'utf8'));
const pinned = file.pinData[TRIGGER_NODE_NAME][0].json;
const regenerate = 'regenerate it with `npx tsx scripts/example-data.ts`';

describe('examples/yubikey-shipment.workflow.json', () => {
	it(`is exactly what the node's mapping and the devkit's shipment node give today (else ${regenerate})`, () => {
		expect(file).toEqual(buildExampleWorkflow(deliveryOf(pinned)));
	});

	it("pins the trigger's item for a realistic Okta event with the catalog's factor keys", () => {
		expect(file.pinData[TRIGGER_NODE_NAME]).toHaveLength(1);
		expectOktaSchema('LogEvent', pinned.eventDetails, { direction: 'response' });
		expect(Object.keys(pinned.mfaFactor.detail)).toEqual([...FACTOR_DETAIL_KEYS]);
		expect(pinned.headers).not.toHaveProperty('authorization');
		expect(triggerItem(deliveryOf(pinned))).toEqual(pinned);
	});

	it('names the trigger as n8n names it once the community package is installed', () => {
		const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
		const node = new OktaMfaPreregistrationTrigger().description;
		expect(INSTALLED_TRIGGER_TYPE).toBe(`${pkg.name}.${node.name}`);
		expect(TRIGGER_VERSION).toBe(node.defaultVersion);
		const trigger = file.nodes.find((n: any) => n.name === TRIGGER_NODE_NAME);
		expect(trigger).toMatchObject({
			type: INSTALLED_TRIGGER_TYPE,
			typeVersion: node.defaultVersion,
		});
	});

	it("maps only fields the pinned item has, the factor's by Okta's catalog keys", () => {
		const fields = file.nodes.find((n: any) => n.type === 'n8n-nodes-base.set');
		const paths = fields.parameters.assignments.assignments.map(
			(a: any) => /^=\{\{ \$json\.([\w.?]+) \}\}$/.exec(a.value)![1],
		);
		for (const path of paths) {
			const value = path.split(/\??\./).reduce((object: any, key: string) => object?.[key], pinned);
			expect([path, value]).toEqual([path, expect.any(String)]);
		}
		expect(paths.filter((p: string) => p.startsWith('mfaFactor.detail')).sort()).toEqual(
			FACTOR_DETAIL_KEYS.map((key) => `mfaFactor.detail?.${key}`).sort(),
		);
	});

	it('sends to a placeholder address, which a test can point elsewhere, and loads under another node type', () => {
		const http = file.nodes.find((n: any) => n.type === 'n8n-nodes-base.httpRequest');
		expect(new URL(http.parameters.url).hostname).toMatch(/\.example\.com$/);
		const local = exampleFor(file, {
			triggerType: 'CUSTOM.oktaMfaPreregistrationTrigger',
			httpUrl: 'http://127.0.0.1:9/x',
		});
		expect(local.nodes.map((n: any) => n.type)).toContain('CUSTOM.oktaMfaPreregistrationTrigger');
		expect(local.nodes.find((n: any) => n.name === http.name)!.parameters.url).toBe(
			'http://127.0.0.1:9/x',
		);
		expect(file.nodes.find((n: any) => n.name === http.name).parameters.url).toBe(
			http.parameters.url,
		);
	});
});
