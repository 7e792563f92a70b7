import type { INodeTypeDescription } from 'n8n-workflow';

/**
 * The texts n8n's editor shows around the trigger: on the canvas while it listens, in the node's
 * trigger panel, and after publishing. They say how to get a test event without a YubiKey:
 * Okta's event hook Preview sends one to the hook n8n registered.
 */
type PanelTexts = Required<
	Pick<INodeTypeDescription, 'eventTriggerDescription' | 'activationMessage'>
> & { triggerPanel: Exclude<INodeTypeDescription['triggerPanel'], boolean | undefined> };

const PREVIEW_STEPS =
	"In the Okta Admin Console go to <b>Workflow → Event Hooks</b>, open the hook whose name ends in “test]”, choose <b>Actions → Preview</b>, pick the event type <b>MFA Preregistration Initiated</b> and click <b>Deliver Request</b> (or preregister a YubiKey for a user). Okta fills the preview from your org's latest such event, or with sample values, empty where Okta cannot know them, when there is none.";

const AFTER_PUBLISHING =
	"These executions show up in the <a data-key='executions'>executions list</a>, not in the editor.";

export const eventTriggerDescription: PanelTexts['eventTriggerDescription'] =
	'Waiting for an Okta event: in Okta, Workflow → Event Hooks → the “test]” hook → Actions → Preview → Deliver Request';

export const triggerPanel: PanelTexts['triggerPanel'] = {
	header: 'Pull in a test event from Okta, no YubiKey needed',
	executionsHelp: {
		inactive: `<b>While building your workflow</b>, click 'Execute step': n8n listens for a test event and registers a temporary Okta event hook for this workflow. ${PREVIEW_STEPS} The execution shows up in this editor.<br /><br /><b>Once you're happy with your workflow</b>, publish it. Then every time an admin preregisters a YubiKey, the workflow runs. ${AFTER_PUBLISHING}`,
		active: `<b>While building your workflow</b>, click 'Execute step': n8n listens for a test event and registers a temporary Okta event hook for this workflow. ${PREVIEW_STEPS} The execution shows up in this editor.<br /><br /><b>Your workflow also runs automatically</b>, since it is published: every time an admin preregisters a YubiKey, and for a Preview of the published hook (its name has no “test”), unless that event already ran once. ${AFTER_PUBLISHING}`,
	},
	activationHint:
		'Publishing registers an Okta event hook for MFA Preregistration Initiated and verifies it; Okta then sends every new event to the production URL. Okta only calls public HTTPS addresses.',
};

export const activationMessage: PanelTexts['activationMessage'] =
	'Okta now sends every MFA Preregistration Initiated event to this workflow. To try it without a YubiKey, deliver a Preview of its event hook in Okta (Workflow → Event Hooks → Actions → Preview).';

/** All of them, to spread into the node's description. */
export const TRIGGER_PANEL_TEXTS: PanelTexts = {
	eventTriggerDescription,
	triggerPanel,
	activationMessage,
};
