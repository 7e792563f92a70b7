import type { NoSampleYet } from './pollLog';
import type { Subscription } from './subscription';

/** The one Okta event both MFA triggers are about: Okta Workflows' card "MFA Preregistration Initiated". */
export const MFA_PREREGISTRATION_EVENT = 'system.mfa.preregister.initiate';

/** The MFA Preregistration triggers: that one type, the card's fields exactly. */
export const MFA_PREREGISTRATION: Subscription = Object.freeze({
	label: 'Okta MFA Preregistration Trigger',
	eventTypes: Object.freeze([MFA_PREREGISTRATION_EVENT]),
	profile: 'card',
});

/** The MFA Preregistration Polling Trigger: the same, from the System Log. */
export const MFA_PREREGISTRATION_POLL: Subscription = Object.freeze({
	...MFA_PREREGISTRATION,
	label: 'Okta MFA Preregistration Polling Trigger',
});

/** Fetch Test Event with no such event in the log: how to make one (Preview cannot). */
export const MFA_NO_SAMPLE_YET: NoSampleYet = {
	message: `Okta's System Log has no "MFA Preregistration Initiated" event (${MFA_PREREGISTRATION_EVENT}) in the last 90 days`,
	description:
		"Make one: in Okta, start a YubiKey preregistration for a test user (YubiKey preregistration with Yubico's YubiEnterprise Delivery must be set up in your org; Identity Engine only), wait a minute for it to reach the System Log, then fetch again. The event hook Preview in Okta's Admin Console does not write to the System Log, so it cannot make one for this node.",
};
