import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';

import { AUTHENTICATION_PROPERTY, OKTA_CREDENTIALS } from '../events/authentication';
import {
	MFA_NO_SAMPLE_YET,
	MFA_PREREGISTRATION_EVENT,
	MFA_PREREGISTRATION_POLL,
} from '../events/mfaPreregistration';
import { CATCH_UP_DAYS_OPTION } from '../events/nodeProperties';
import { pollEvents } from '../events/pollLog';

export class OktaMfaPreregistrationPollTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Okta MFA Preregistration Polling Trigger',
		name: 'oktaMfaPreregistrationPollTrigger',
		icon: { light: 'file:okta.svg', dark: 'file:okta.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'MFA Preregistration Initiated, from the System Log',
		description: `Checks Okta's System Log every minute for YubiKey preregistrations (event ${MFA_PREREGISTRATION_EVENT}); no public URL needed`,
		defaults: { name: 'Okta MFA Preregistration Polling Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: OKTA_CREDENTIALS,
		properties: [
			AUTHENTICATION_PROPERTY,
			{
				displayName:
					"Reads Okta's System Log on the schedule below, so n8n needs no public URL. The credential needs read access to the System Log: an API token of a super, org, read-only or report admin, or a service app granted okta.logs.read (one of the credential's default Scopes) with such an admin role.",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [CATCH_UP_DAYS_OPTION],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollEvents.call(this, MFA_PREREGISTRATION_POLL, MFA_NO_SAMPLE_YET);
	}
}
