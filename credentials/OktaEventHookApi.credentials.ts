import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { OKTA_ICON, ORG_URL_PROPERTY } from './oktaOrg';

export class OktaEventHookApi implements ICredentialType {
	name = 'oktaEventHookApi';

	displayName = 'Okta Event Hook API';

	icon: Icon = OKTA_ICON;

	documentationUrl = 'https://developer.okta.com/docs/guides/create-an-api-token/main/';

	properties: INodeProperties[] = [
		ORG_URL_PROPERTY,
		{
			displayName: 'API Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				"An Okta API token (Security > API > Tokens). It acts with its creator's admin rights: the creator must be a super administrator, or hold a custom admin role with the permissions to view and manage event hooks.",
		},
		{
			displayName:
				"The connection test lists your org's event hooks, so it fails when the token may not manage them.",
			name: 'notice',
			type: 'notice',
			default: '',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=SSWS {{$credentials.accessToken.trim()}}' },
		},
	};

	// Reading the event hooks proves both the token and its permission to manage them.
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
						'Okta rejected the API token (E0000011): create a new token under Security > API > Tokens.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						"The token is valid but its owner may not manage event hooks (E0000006): use a super administrator's token, or a custom admin role with the event hook permissions.",
				},
			},
		],
	};
}
