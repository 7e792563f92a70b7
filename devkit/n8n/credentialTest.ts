/**
 * A credential's connection test as n8n 2.41 runs it (CredentialsTester.testCredentials): the
 * saved fields with defaults applied, the credential's `test.request` run by n8n-core's real
 * RoutingNode on a temporary noOp node (so preAuthentication always runs, as under a test), and
 * n8n's verdict: a rule's message for a matching status, else the status text, else the error code,
 * else the error's message.
 */
import { ExecuteContext } from 'n8n-core';
import { RoutingNode } from 'n8n-core/dist/execution-engine/routing-node';
import { NodeApiError, Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	INode,
	INodeType,
	INodeTypes,
	IRunExecutionData,
	JsonObject,
} from 'n8n-workflow';

import { additionalDataFor } from './core';
import {
	CredentialStore,
	InMemoryCredentialsHelper,
	PACKAGE_CREDENTIAL_TYPES,
} from './credentialsHelper';
import { setUpN8nCore } from './instance';

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/**
 * Whether n8n can apply a credential's `responseCode` rules: its tester reads the failed request's
 * status from the error's `cause`, which n8n-workflow 2.8's NodeApiError does not keep (2.41's
 * does). Without it, n8n's own words for the status stand ("Forbidden - perhaps check your
 * credentials?"); the test still fails.
 */
export function credentialTestRulesApply(
	n8nWorkflow: { NodeApiError: typeof NodeApiError } = { NodeApiError },
): boolean {
	const failed = Object.assign(new Error('Request failed with status code 403'), {
		response: { status: 403 },
	});
	return (
		new n8nWorkflow.NodeApiError({} as INode, failed as unknown as JsonObject).cause !== undefined
	);
}

/** The node n8n tests request-based credentials on. */
const NO_OP = 'n8n-nodes-base.noOp';

interface TestFailure {
	message: string;
	cause?: { response?: { status: number; statusText?: string }; code?: string };
}

/** Tests a credential of the package, saved with `fields`, the way n8n's "Test" button does. */
export async function testCredential(
	typeName: string,
	fields: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult> {
	setUpN8nCore();
	const type = PACKAGE_CREDENTIAL_TYPES.find(({ name }) => name === typeName);
	if (!type?.test) throw new Error(`No connection test for "${typeName}"`);
	const store = new CredentialStore();
	const saved = store.save(typeName, fields);
	const helper = new InMemoryCredentialsHelper(store);
	const additionalData = additionalDataFor(helper);
	const data = await helper.applyDefaultsAndResolve(additionalData, fields, typeName, 'internal');

	const nodeType: INodeType = {
		description: {
			displayName: 'No Operation, do nothing',
			name: NO_OP,
			group: ['organization'],
			version: 1,
			description: 'No Operation',
			defaults: { name: 'No Operation, do nothing' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: typeName, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: type.test.request },
					default: '',
				},
			],
		},
	};
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: NO_OP,
		typeVersion: 1,
		position: [0, 0],
		credentials: { [typeName]: { id: saved.id, name: saved.name } },
	};
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		{ resultData: { runData: {} } } as IRunExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	const credentialsDecrypted = { id: saved.id, name: saved.name, type: typeName, data };
	try {
		await new RoutingNode(context, nodeType, credentialsDecrypted).runNode();
	} catch (caught) {
		const error = caught as TestFailure;
		const response = error.cause?.response;
		if (response) {
			const rule = (type.test.rules ?? []).find(
				(candidate) =>
					candidate.type === 'responseCode' && candidate.properties.value === response.status,
			);
			if (rule) return { status: 'Error', message: String(rule.properties.message) };
			if (response.status < 199 || response.status > 299)
				return {
					status: 'Error',
					message: response.statusText || `Received HTTP status code: ${response.status}`,
				};
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: String(error.message) };
	}
	return { status: 'OK', message: 'Connection successful!' };
}
