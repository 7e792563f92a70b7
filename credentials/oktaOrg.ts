import type { Icon, INodeProperties } from 'n8n-workflow';

/** What both Okta credentials share: the icon and the org URL field (named as in n8n's own Okta credential). */
export const OKTA_ICON: Icon = {
	light: 'file:../nodes/OktaMfaPreregistrationTrigger/okta.svg',
	dark: 'file:../nodes/OktaMfaPreregistrationTrigger/okta.dark.svg',
};

export const ORG_URL_PROPERTY: INodeProperties = {
	displayName: 'Org URL',
	name: 'url',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'https://acme.okta.com',
	description: 'The address of your Okta org, without a path',
};
