/**
 * Stand-ins for the contexts n8n hands a trigger (IHookFunctions, IWebhookFunctions), faithful to
 * n8n 2.41's behaviour where the node relies on it: the credential's own `authenticate` (generic
 * expression or function) sets the headers, its `preAuthentication` runs the way n8n-core's
 * httpRequestWithAuthentication and n8n's CredentialsHelper run it (when the expirable field is
 * empty, again once after a thrown 401, its output stored in the credential), requests go over
 * real HTTPS, `returnFullResponse` + `ignoreHttpStatusErrors` give { statusCode, headers, body }
 * with JSON parsed, a status error or a request without an answer throws, wrapped in NodeApiError.
 * The real n8n is exercised by the end-to-end suite; these keep the unit tests fast and exact.
 */
import * as https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { NodeApiError } from 'n8n-workflow';
import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHookFunctions,
	IHttpRequestOptions,
	INode,
	IWebhookFunctions,
} from 'n8n-workflow';

import { OktaEventHookApi } from '../../credentials/OktaEventHookApi.credentials';
import { OktaEventHookOAuth2Api } from '../../credentials/OktaEventHookOAuth2Api.credentials';

export interface Credentials {
	url: string;
	accessToken: string;
}

/** The service-app credential as a user fills it in (n8n adds the hidden fields' defaults). */
export interface OAuthCredentials {
	url: string;
	clientId: string;
	privateKey: string;
	keyId?: string;
	scopes?: string;
}

export type Authentication = 'apiToken' | 'oAuth2';

export const CREDENTIAL_TYPES: Record<Authentication, ICredentialType> = {
	apiToken: new OktaEventHookApi(),
	oAuth2: new OktaEventHookOAuth2Api(),
};

/** The credential's data as n8n stores it: the user's fields plus every property's default. */
export function storedCredential(
	authentication: Authentication,
	fields: Credentials | OAuthCredentials,
): IDataObject {
	const data: IDataObject = {};
	for (const property of CREDENTIAL_TYPES[authentication].properties) {
		if (property.type !== 'notice') data[property.name] = property.default as IDataObject[string];
	}
	return { ...data, ...fields } as IDataObject;
}

/** Evaluates an n8n expression such as `=SSWS {{$credentials.accessToken.trim()}}` against the credential. */
export function evaluateCredentialExpression(expression: string, credentials: Credentials): string {
	const body = expression.startsWith('=') ? expression.slice(1) : expression;
	return body.replace(/\{\{(.+?)\}\}/g, (_, code: string) =>
		String(new Function('$credentials', `return (${code});`)(credentials)),
	);
}

export interface RecordedOktaCall {
	method: string;
	url: string;
	headers: Record<string, string>;
	body: unknown;
}

/** The URL axios requests: `url`, or `baseURL` joined with a relative `url`. */
export function requestUrl(options: IHttpRequestOptions): string {
	if (/^https?:\/\//i.test(options.url) || !options.baseURL) return options.url;
	return `${options.baseURL.replace(/\/+$/, '')}/${options.url.replace(/^\/+/, '')}`;
}

/** The HTTP request n8n would send, with its response shaped the way n8n returns it. */
export async function sendLikeN8n(
	options: IHttpRequestOptions,
	ca: string,
): Promise<{ statusCode: number; headers: IncomingHttpHeaders; body: unknown }> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(options.headers ?? {})) headers[name] = String(value);
	const url = requestUrl(options);
	let payload: string | undefined;
	if (options.body !== undefined && options.method !== 'GET') {
		payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
		headers['Content-Type'] ??= 'application/json';
	}
	return await new Promise((resolve, reject) => {
		const request = https.request(
			url,
			{ method: options.method ?? 'GET', headers, ca, timeout: options.timeout ?? 30_000 },
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let body: unknown = text;
					try {
						body = text ? JSON.parse(text) : '';
					} catch {
						// axios leaves a non-JSON body as text
					}
					const statusCode = response.statusCode ?? 0;
					const ignore = options.ignoreHttpStatusErrors;
					const ignored =
						typeof ignore === 'object'
							? ignore.ignore && !ignore.except.includes(statusCode)
							: ignore === true;
					if (!ignored && (statusCode < 200 || statusCode >= 300)) {
						// What axios throws: the status and body under `response`.
						reject(
							Object.assign(new Error(`Request failed with status code ${statusCode}`), {
								statusCode,
								response: {
									status: statusCode,
									statusText: response.statusMessage,
									data: body,
									headers: response.headers,
								},
							}),
						);
						return;
					}
					resolve({ statusCode, headers: response.headers, body });
				});
				response.on('error', reject);
			},
		);
		request.on('timeout', () =>
			request.destroy(Object.assign(new Error('timeout exceeded'), { code: 'ETIMEDOUT' })),
		);
		request.on('error', reject);
		if (payload !== undefined) request.write(payload);
		request.end();
	});
}

export interface HookContextOptions {
	/** The credential's fields: an API token's, or a service app's with `authentication: 'oAuth2'`. */
	credentials: Credentials | OAuthCredentials;
	authentication?: Authentication;
	/**
	 * The credential as stored in n8n's database, shared by every context of one node (n8n writes
	 * preAuthentication's output back there). Defaults to a fresh copy of `credentials`.
	 */
	stored?: IDataObject;
	/** Trusted certificate authority (the sandbox's). */
	ca: string;
	webhookUrl: string;
	staticData: IDataObject;
	mode?: 'trigger' | 'manual';
	node?: Partial<INode>;
	workflow?: { id: string; name: string };
	/** Every call the node makes, as sent (after the credential's authentication). */
	calls?: RecordedOktaCall[];
}

export const TEST_NODE: INode = {
	id: 'b2f6f0c4-0d0e-4a43-9d5c-2f1b9e0d7a11',
	name: 'Okta MFA Preregistration Trigger',
	type: 'CUSTOM.oktaMfaPreregistrationTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	webhookId: '5f0b3c1e-8a7d-4f3e-9c2a-6d4e1b7a9c30',
};

/** `this.helpers.httpRequest` as n8n gives it to preAuthentication. */
export function httpRequestHelper(ca: string) {
	return async (request: IHttpRequestOptions) => {
		const response = await sendLikeN8n(request, ca);
		return request.returnFullResponse ? response : response.body;
	};
}

/**
 * n8n's CredentialsHelper.preAuthentication (2.41.1): only for a type with an expirable hidden
 * field, only when that field is empty or the credential expired (or under a credential test);
 * the output is written back to the stored credential and merged into the one in use.
 */
export async function runPreAuthentication(
	type: ICredentialType,
	credentials: ICredentialDataDecryptedObject,
	expired: boolean,
	ca: string,
	stored?: IDataObject,
	testing = false,
): Promise<ICredentialDataDecryptedObject | undefined> {
	const expirable = type.properties.find(
		(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
	);
	if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
	if (credentials[expirable.name] !== '' && !expired && !testing) return undefined;
	const output = await type.preAuthentication.call(
		{ helpers: { httpRequest: httpRequestHelper(ca) } } as never,
		credentials,
	);
	if (output[expirable.name] === undefined) return undefined;
	if (stored) Object.assign(stored, output);
	return Object.assign(credentials, output);
}

/** The credential's `authenticate`: a function, or the generic header expressions. */
export async function authenticateLikeN8n(
	type: ICredentialType,
	credentials: ICredentialDataDecryptedObject,
	request: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const { authenticate } = type;
	if (typeof authenticate === 'function') return await authenticate(credentials, { ...request });
	const headers = { ...(request.headers ?? {}) } as Record<string, string>;
	for (const [name, expression] of Object.entries(authenticate?.properties.headers ?? {})) {
		headers[name] = evaluateCredentialExpression(
			String(expression),
			credentials as unknown as Credentials,
		);
	}
	return { ...request, headers };
}

export function hookContext(options: HookContextOptions): IHookFunctions {
	const authentication = options.authentication ?? 'apiToken';
	const credential = CREDENTIAL_TYPES[authentication];
	const stored = options.stored ?? storedCredential(authentication, options.credentials);
	const node = {
		...TEST_NODE,
		...options.node,
		parameters: {
			...(authentication === 'oAuth2' ? { authentication } : {}),
			...options.node?.parameters,
		},
		credentials: { [credential.name]: { id: '1', name: 'Okta' } },
	} as INode;
	const send = async (
		request: IHttpRequestOptions,
		credentials: ICredentialDataDecryptedObject,
	) => {
		const authenticated = await authenticateLikeN8n(credential, credentials, request);
		const headers = { ...(authenticated.headers ?? {}) } as Record<string, string>;
		options.calls?.push({
			method: request.method ?? 'GET',
			url: request.url,
			headers,
			body: request.body,
		});
		const response = await sendLikeN8n(authenticated, options.ca);
		return request.returnFullResponse ? response : response.body;
	};
	const context = {
		getNode: () => node,
		getNodeParameter: (name: string, fallback?: unknown) => node.parameters[name] ?? fallback,
		getMode: () => options.mode ?? 'trigger',
		getActivationMode: () => 'activate',
		getWorkflow: () => ({
			id: options.workflow?.id ?? 'wf1',
			name: options.workflow?.name ?? 'YubiKey shipments',
			active: true,
		}),
		getWorkflowStaticData: () => options.staticData,
		getNodeWebhookUrl: () => options.webhookUrl,
		getWebhookName: () => 'default',
		getCredentials: async (type: string) => {
			if (type !== credential.name)
				throw new Error(`Node does not have credentials of type ${type}`);
			return { ...stored };
		},
		// n8n-core 2.41.1 httpRequestWithAuthentication, step by step.
		helpers: {
			httpRequestWithAuthentication: async (
				type: string,
				request: IHttpRequestOptions,
				additional?: IAdditionalCredentialOptions,
			) => {
				if (type !== credential.name)
					throw new Error(
						`Node "${node.name}" does not have any credentials of type "${type}" set`,
					);
				let credentials: ICredentialDataDecryptedObject | undefined;
				try {
					const inUse = (additional?.credentialsDecrypted?.data ?? {
						...stored,
					}) as ICredentialDataDecryptedObject;
					credentials = inUse;
					await runPreAuthentication(credential, inUse, false, options.ca, stored);
					return await send(request, inUse);
				} catch (error) {
					if (
						(error as { response?: { status?: number } }).response?.status === 401 &&
						credentials !== undefined
					) {
						try {
							await runPreAuthentication(credential, credentials, true, options.ca, stored);
							return await send(request, credentials);
						} catch (retryError) {
							throw new NodeApiError(node, retryError as never);
						}
					}
					throw new NodeApiError(node, error as never);
				}
			},
		},
	};
	return context as unknown as IHookFunctions;
}

/**
 * n8n's credential connection test (CredentialsTester.runRequestTest, 2.41.1): the test request
 * through httpRequestWithAuthentication (preAuthentication always runs for a test), status
 * errors matched against the rules, else the cause's code, else the error's message.
 */
export async function credentialTestLikeN8n(
	authentication: Authentication,
	fields: Credentials | OAuthCredentials,
	ca: string,
): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const type = CREDENTIAL_TYPES[authentication];
	const credentials = storedCredential(authentication, fields) as ICredentialDataDecryptedObject;
	const { request, rules } = type.test!;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: String(request.url),
		baseURL: evaluateCredentialExpression(
			String(request.baseURL),
			credentials as unknown as Credentials,
		),
		returnFullResponse: true,
		json: true,
	};
	const node = { ...TEST_NODE, type: 'n8n-nodes-base.noOp', parameters: { temp: '' } } as INode;
	const attempt = async (expired: boolean) => {
		await runPreAuthentication(type, credentials, expired, ca, undefined, true);
		return await sendLikeN8n(await authenticateLikeN8n(type, credentials, options), ca);
	};
	try {
		try {
			await attempt(false);
		} catch (error) {
			if ((error as { response?: { status?: number } }).response?.status !== 401)
				throw new NodeApiError(node, error as never);
			try {
				await attempt(true);
			} catch (retryError) {
				throw new NodeApiError(node, retryError as never);
			}
		}
	} catch (error) {
		const cause = (error as Error).cause as
			{ response?: { status: number; statusText?: string }; code?: string } | undefined;
		if (cause?.response) {
			const rule = (rules ?? []).find(
				(candidate) =>
					candidate.type === 'responseCode' &&
					(candidate.properties as { value: number }).value === cause.response!.status,
			);
			if (rule)
				return { status: 'Error', message: (rule.properties as { message: string }).message };
			return {
				status: 'Error',
				message: cause.response.statusText || `Received HTTP status code: ${cause.response.status}`,
			};
		}
		if (cause?.code) return { status: 'Error', message: cause.code };
		return { status: 'Error', message: String((error as Error).message) };
	}
	return { status: 'OK', message: 'Connection successful!' };
}

export interface WebhookCall {
	webhookName: 'setup' | 'default';
	headers: IncomingHttpHeaders;
	body: unknown;
	staticData: IDataObject;
	webhookUrl: string;
}

export interface WebhookAnswer {
	status: number;
	body: string;
	contentType?: string;
	workflowData?: IDataObject[][];
	noWebhookResponse?: boolean;
}

/** Runs the node's webhook() the way n8n's webhook helpers do, capturing the answer and the items. */
export async function callWebhook(
	webhook: (this: IWebhookFunctions) => Promise<import('n8n-workflow').IWebhookResponseData>,
	call: WebhookCall,
): Promise<WebhookAnswer> {
	const answer: WebhookAnswer = { status: 200, body: '' };
	const response = {
		status(code: number) {
			answer.status = code;
			return response;
		},
		json(value: unknown) {
			answer.contentType = 'application/json';
			answer.body = JSON.stringify(value);
			return response;
		},
		end(text?: string) {
			if (text) answer.body = text;
			return response;
		},
	};
	const context = {
		getWebhookName: () => call.webhookName,
		getHeaderData: () => call.headers,
		getBodyData: () => call.body,
		getWorkflowStaticData: () => call.staticData,
		getNodeWebhookUrl: () => call.webhookUrl,
		getResponseObject: () => response,
		getNode: () => TEST_NODE,
		getMode: () => 'trigger',
	};
	const result = await webhook.call(context as unknown as IWebhookFunctions);
	answer.noWebhookResponse = result.noWebhookResponse;
	answer.workflowData = result.workflowData?.map((items) => items.map((item) => item.json));
	return answer;
}
