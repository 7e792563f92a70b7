/**
 * What stands in for n8n's database in-process: a credential store and a CredentialsHelper that does what n8n's (packages/cli,
 * 2.41) does with it: defaults filled in and expressions resolved by n8n-workflow's expression
 * engine on getDecrypted; the credential type's `authenticate` (a function, or generic expressions
 * resolved by the same engine); `preAuthentication` when the expirable field is empty, after a 401
 * or under a connection test, its output written back to the stored credential.
 */
import { getAdditionalKeys } from 'n8n-core';
import {
	ICredentials,
	ICredentialsHelper,
	NodeHelpers,
	UserError,
	Workflow,
	isExpression,
} from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	INodeTypes,
	IRequestOptionsSimplified,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { OktaEventHookApi } from '../../credentials/OktaEventHookApi.credentials';
import { OktaEventHookOAuth2Api } from '../../credentials/OktaEventHookOAuth2Api.credentials';

/** The package's credential types, by name. */
export const PACKAGE_CREDENTIAL_TYPES: ICredentialType[] = [
	new OktaEventHookApi(),
	new OktaEventHookOAuth2Api(),
];

/** A credential saved in a store, as a node references it ({ id, name }) plus its type. */
export interface SavedCredential extends INodeCredentialsDetails {
	id: string;
	type: string;
	store: CredentialStore;
}

/** One row of n8n's credentials table (n8n encrypts `data`; nothing here needs that). */
class StoredCredentials extends ICredentials {
	async getData(): Promise<ICredentialDataDecryptedObject> {
		return JSON.parse(this.data ?? '{}') as ICredentialDataDecryptedObject;
	}

	getDataToSave() {
		return { id: this.id, name: this.name, type: this.type, data: this.data ?? '{}' };
	}

	async setData(data: ICredentialDataDecryptedObject): Promise<void> {
		this.data = JSON.stringify(data);
	}

	async updateData(toUpdate: ICredentialDataDecryptedObject, toDelete: string[] = []) {
		const data = { ...(await this.getData()), ...toUpdate };
		for (const key of toDelete) delete data[key];
		await this.setData(data);
	}
}

/** n8n's credentials table, in memory. */
export class CredentialStore {
	private readonly rows = new Map<string, { name: string; type: string; data: string }>();

	private nextId = 1;

	/** Saves a credential as the editor does: only the fields the user filled in. */
	save(type: string, data: ICredentialDataDecryptedObject, name = 'Okta'): SavedCredential {
		const id = String(this.nextId++);
		this.rows.set(id, { name, type, data: JSON.stringify(data) });
		return { id, name, type, store: this };
	}

	/** The row (throws as n8n does when it is not there). */
	load(details: INodeCredentialsDetails, type: string): StoredCredentials {
		const row = details.id ? this.rows.get(details.id) : undefined;
		if (!row || row.type !== type)
			throw new UserError(`Credential with ID "${details.id}" does not exist for type "${type}".`);
		return new StoredCredentials({ id: details.id, name: row.name }, type, row.data);
	}

	/** The stored data (what n8n's database holds, e.g. a token preAuthentication fetched). */
	read(credential: SavedCredential): ICredentialDataDecryptedObject {
		return JSON.parse(
			this.load(credential, credential.type).data!,
		) as ICredentialDataDecryptedObject;
	}

	write(
		details: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): void {
		this.load(details, type);
		this.rows.get(details.id!)!.data = JSON.stringify(data);
	}
}

const MOCK_NODE: INode = {
	id: 'credentials-helper',
	name: '',
	typeVersion: 1,
	type: 'mock',
	position: [0, 0],
	parameters: {},
};

/** A node-types registry with no nodes: what n8n resolves credential expressions against. */
const NO_NODE_TYPES: INodeTypes = {
	getByName: () => undefined as never,
	getByNameAndVersion: () => undefined as never,
	getKnownTypes: () => ({}),
};

/** n8n hands preAuthentication `helpers.httpRequest` alone, not the node's wider helper bag. */
function onlyHttpRequest(helpers: IHttpRequestHelper): IHttpRequestHelper {
	return {
		helpers: { httpRequest: async (options) => await helpers.helpers.httpRequest(options) },
	};
}

/** Called with every request as n8n sends it, after the credential's authentication. */
export type AuthenticatedRequestListener = (request: IHttpRequestOptions) => void;

export class InMemoryCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map<string, ICredentialType>();

	constructor(
		private readonly store: CredentialStore,
		types: ICredentialType[] = PACKAGE_CREDENTIAL_TYPES,
		private readonly onAuthenticated?: AuthenticatedRequestListener,
	) {
		super();
		for (const type of types) this.types.set(type.name, type);
	}

	private type(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) throw new UserError(`Unknown credential type "${name}"`);
		return type;
	}

	getParentTypes(name: string): string[] {
		const parents = this.type(name).extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = this.types.get(credentialType);
		if (!type?.restrictToSupportedNodes) return true;
		return (type.supportedNodes ?? []).some(
			(name) => nodeType === name || nodeType.endsWith(`.${name}`),
		);
	}

	getCredentialsProperties(name: string): INodeProperties[] {
		const type = this.type(name);
		if (type.extends === undefined) return type.properties;
		const combined: INodeProperties[] = [];
		for (const parent of type.extends)
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		NodeHelpers.mergeNodeProperties(combined, type.properties);
		return combined;
	}

	async getCredentials(details: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		return this.store.load(details, type);
	}

	async updateCredentials(
		details: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		await this.store.write(details, type, data);
	}

	async updateCredentialsOauthTokenData(
		details: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = await this.store.load(details, type).getData();
		await this.store.write(details, type, { ...stored, oauthTokenData: data.oauthTokenData });
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		details: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		_executeData?: unknown,
		raw?: boolean,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = await this.store.load(details, type).getData();
		if (raw === true) return stored;
		return await this.applyDefaultsAndResolve(additionalData, stored, type, mode);
	}

	/** The stored fields plus every property's default, expressions resolved (n8n's applyDefaultsAndOverwrites). */
	async applyDefaultsAndResolve(
		additionalData: IWorkflowExecuteAdditionalData,
		stored: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
	): Promise<ICredentialDataDecryptedObject> {
		const withDefaults = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			stored as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		const workflow = new Workflow({
			nodes: [MOCK_NODE],
			connections: {},
			active: false,
			nodeTypes: NO_NODE_TYPES,
		});
		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		const resolve = async () =>
			workflow.expression.getComplexParameterValue(
				MOCK_NODE,
				withDefaults as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				withDefaults,
			) as ICredentialDataDecryptedObject;
		// n8n-workflow 2.41 evaluates expressions in an isolate it must be given; 2.8 has none.
		const { expression } = workflow as {
			expression: Partial<{ withIsolate: <T>(run: () => Promise<T>) => Promise<T> }>;
		};
		return typeof expression.withIsolate === 'function'
			? ((await expression.withIsolate.call(
					workflow.expression,
					resolve,
				)) as ICredentialDataDecryptedObject)
			: await resolve();
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.type(typeName);
		let authenticated = requestOptions as IHttpRequestOptions;
		if (typeof authenticate === 'function') {
			authenticated = await authenticate(credentials, authenticated);
		} else if (authenticate?.type === 'generic') {
			if (!workflow || !node) throw new UserError('Workflow and node are required');
			const keys: IWorkflowDataProxyAdditionalKeys = { $credentials: credentials };
			const resolve = (value: string) => {
				if (!isExpression(value)) return value;
				const resolved = workflow.expression.getSimpleParameterValue(
					node,
					value,
					'internal',
					keys,
					undefined,
					'',
				);
				return resolved ? String(resolved) : '';
			};
			const target = authenticated as unknown as Record<string, Record<string, string>>;
			for (const [outerKey, entries] of Object.entries(authenticate.properties)) {
				target[outerKey] ??= {};
				for (const [key, value] of Object.entries(entries as Record<string, string>))
					target[outerKey][resolve(key)] = resolve(value);
			}
		}
		this.onAuthenticated?.(authenticated);
		return authenticated;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.type(typeName);
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable === undefined || typeof type.preAuthentication !== 'function') return undefined;
		// n8n's connection test runs on a mock noOp node with a `temp` parameter.
		const testing = node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
		if (credentials[expirable.name] !== '' && !credentialsExpired && !testing) return undefined;
		const output = (await type.preAuthentication.call(onlyHttpRequest(helpers), credentials)) as
			ICredentialDataDecryptedObject | undefined;
		if (output?.[expirable.name] === undefined) return undefined;
		const details = node.credentials?.[type.name];
		if (!details) return undefined;
		// Written back to the stored row (except fields the user stored as expressions).
		const stored = await this.store.load(details, type.name).getData();
		const persisted = { ...stored };
		for (const [key, value] of Object.entries(output))
			if (key === expirable.name || !isExpression(stored[key])) persisted[key] = value;
		await this.store.write(details, type.name, persisted);
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.type(typeName);
		if (typeof type.preAuthentication !== 'function') return undefined;
		return ((await type.preAuthentication.call(onlyHttpRequest(helpers), credentials)) ??
			undefined) as ICredentialDataDecryptedObject | undefined;
	}
}
