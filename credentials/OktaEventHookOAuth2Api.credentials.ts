import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { OKTA_ICON, ORG_URL_PROPERTY } from './oktaOrg';

import { dpopProof } from '../nodes/okta/dpop';
import { DEFAULT_SCOPES, requestToken } from '../nodes/okta/oauth';

/** The URL a request goes to, as axios joins `baseURL` and `url` (the connection test uses both). */
function requestUrl(options: IHttpRequestOptions): string {
	if (/^https?:\/\//i.test(options.url) || !options.baseURL) return options.url;
	return `${options.baseURL.replace(/\/+$/, '')}/${options.url.replace(/^\/+/, '')}`;
}

export class OktaEventHookOAuth2Api implements ICredentialType {
	name = 'oktaEventHookOAuth2Api';

	displayName = 'Okta Event Hook OAuth2 API';

	icon: Icon = OKTA_ICON;

	documentationUrl =
		'https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/';

	properties: INodeProperties[] = [
		ORG_URL_PROPERTY,
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			required: true,
			default: '',
			placeholder: '0oa1b2c3d4e5f6g7h8i9',
			description: 'The client ID of the API Services app (General tab)',
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 5 },
			required: true,
			default: '',
			placeholder: '-----BEGIN PRIVATE KEY----- … or {"kty": "RSA", …}',
			description:
				"The app's private key, RSA or EC: the whole PEM (BEGIN/END lines included) or the private JWK in JSON, as Okta shows it when it generates the key. Its public key must be registered under the app's Client Credentials > Public Keys.",
		},
		{
			displayName: 'Key ID',
			name: 'keyId',
			type: 'string',
			default: '',
			description:
				"The KID of the app's public key in Okta. Needed when the app has several keys; when empty, a pasted JWK's own kid is used.",
		},
		{
			displayName: 'Scopes',
			name: 'scopes',
			type: 'string',
			default: DEFAULT_SCOPES,
			description:
				'Space-separated; each must be granted to the app under Okta API Scopes. okta.eventHooks.* manage the hook, okta.logs.read reads the System Log.',
		},
		{
			displayName:
				"The app also needs an admin role that may manage event hooks (Admin roles tab). The connection test lists your org's event hooks.",
			name: 'notice',
			type: 'notice',
			default: '',
		},
		// Filled in by preAuthentication: the token, its type, and the DPoP key it is bound to.
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{ displayName: 'Scheme', name: 'scheme', type: 'hidden', default: '' },
		{
			displayName: 'DPoP Private Key',
			name: 'dpopPrivateKey',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Token Expires At', name: 'expiresAt', type: 'hidden', default: 0 },
	];

	/** n8n calls this for a token when accessToken is empty and again after a 401. */
	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		const token = await requestToken(this.helpers.httpRequest, credentials);
		return { ...token };
	}

	/** `Authorization: DPoP <token>` and a fresh proof for this very request (or a plain Bearer token). */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const accessToken = String(credentials.accessToken ?? '');
		const headers: IDataObject = { ...(requestOptions.headers ?? {}) };
		if (credentials.scheme === 'DPoP' && credentials.dpopPrivateKey) {
			headers.Authorization = `DPoP ${accessToken}`;
			headers.DPoP = dpopProof({
				key: String(credentials.dpopPrivateKey),
				method: requestOptions.method ?? 'GET',
				url: requestUrl(requestOptions),
				accessToken,
			});
		} else {
			headers.Authorization = `Bearer ${accessToken}`;
		}
		return { ...requestOptions, headers };
	}

	// Reading the event hooks proves the token, the okta.eventHooks.read scope and the admin role.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.url.trim().replace(/\\/+$/, "")}}',
			url: '/api/v1/eventHooks',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Okta rejected the access token (E0000011). Check the service app and try again.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The app may not read event hooks (E0000006): grant it okta.eventHooks.read and okta.eventHooks.manage (Okta API Scopes tab) and assign it an admin role that manages event hooks, e.g. Super Administrator or a custom role (Admin roles tab).',
				},
			},
		],
	};
}
