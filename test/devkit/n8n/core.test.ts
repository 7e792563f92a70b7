import { PollContext } from 'n8n-core';
import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IPollFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import {
	CredentialStore,
	pollContext,
	testWorkflow,
	trustCertificateAuthority,
} from '../../../devkit/n8n/core';
import { startOktaSandbox } from '../../../devkit/okta-sandbox';
import type { OktaSandbox } from '../../../devkit/okta-sandbox';

/** The smallest polling node: lists the org's event hooks and counts its polls in static data. */
class CountingPollNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Counting Poll',
		name: 'countingPoll',
		group: ['trigger'],
		version: 1,
		description: 'Counts its polls',
		defaults: { name: 'Counting Poll' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'oktaEventHookApi', required: true }],
		properties: [{ displayName: 'Label', name: 'label', type: 'string', default: '' }],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const state = this.getWorkflowStaticData('node');
		state.polls = Number(state.polls ?? 0) + 1;
		const credentials = await this.getCredentials('oktaEventHookApi');
		const hooks = (await this.helpers.httpRequestWithAuthentication.call(this, 'oktaEventHookApi', {
			method: 'GET',
			url: `${String(credentials.url)}/api/v1/eventHooks`,
			json: true,
		})) as unknown[];
		const label = this.getNodeParameter('label') as string;
		return [[{ json: { label, mode: this.getMode(), polls: state.polls, hooks: hooks.length } }]];
	}
}

let sandbox: OktaSandbox;
beforeAll(async () => {
	sandbox = await startOktaSandbox();
	trustCertificateAuthority(sandbox.caCertPem);
});
afterAll(async () => sandbox?.close());

async function countingWorkflow(accessToken = sandbox.token) {
	const store = new CredentialStore();
	const credential = store.save('oktaEventHookApi', { url: sandbox.url, accessToken });
	return testWorkflow({
		nodeType: new CountingPollNode(),
		parameters: { label: 'hooks' },
		credentials: [credential],
	});
}

describe("n8n-core's PollContext around a node under test", () => {
	it("runs poll() with the node's parameters and credential; its static data persists between polls", async () => {
		const target = await countingWorkflow();
		const node = target.nodeType;
		const first = pollContext(target);
		expect(first).toBeInstanceOf(PollContext);
		expect(await node.poll!.call(first)).toEqual([
			[{ json: { label: 'hooks', mode: 'trigger', polls: 1, hooks: 0 } }],
		]);
		const second = await node.poll!.call(pollContext(target));
		expect(second?.[0][0].json.polls).toBe(2);
		expect(target.workflow.staticData['node:Counting Poll']).toEqual({ polls: 2 });
		// The API token reached Okta through the credential's own generic `authenticate`.
		expect(sandbox.requests.filter((request) => request.op === 'list')).toHaveLength(2);
	});

	it("runs in the editor's manual mode", async () => {
		const target = await countingWorkflow();
		const items = await target.nodeType.poll!.call(pollContext(target, { mode: 'manual' }));
		expect(items?.[0][0].json.mode).toBe('manual');
	});

	it("surfaces Okta's refusal of a wrong token as n8n's NodeApiError", async () => {
		const target = await countingWorkflow('wrong-token');
		await expect(target.nodeType.poll!.call(pollContext(target))).rejects.toMatchObject({
			name: 'NodeApiError',
			httpCode: '401',
		});
	});
});
