import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

/** Both triggers take the same two credentials, one shown per Authentication choice. */
export const OKTA_CREDENTIALS: INodeCredentialDescription[] = [
	{
		name: 'oktaEventHookApi',
		required: true,
		displayOptions: { show: { authentication: ['apiToken'] } },
	},
	{
		name: 'oktaEventHookOAuth2Api',
		required: true,
		displayOptions: { show: { authentication: ['oAuth2'] } },
	},
];

/** The Authentication choice; nodes saved before it existed use the API token (its default). */
export const AUTHENTICATION_PROPERTY: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{
			name: 'API Token',
			value: 'apiToken',
			description: "An Okta API token; it acts with its creator's admin rights",
		},
		{
			name: 'OAuth2 (Service App)',
			value: 'oAuth2',
			description: 'An Okta API Services app with private_key_jwt (and DPoP); recommended by Okta',
		},
	],
	default: 'apiToken',
};
