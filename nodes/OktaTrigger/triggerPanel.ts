import type { INodeTypeDescription } from 'n8n-workflow';

/**
 * The texts n8n's editor shows around the Okta Trigger (canvas, trigger panel, after publishing):
 * Okta's event hook Preview sends a test event of a chosen type to the hook n8n registered.
 */
const PREVIEW_STEPS =
	"In the Okta Admin Console go to <b>Workflow → Event Hooks</b>, open the hook whose name ends in “test]”, choose <b>Actions → Preview</b>, pick one of the chosen event types and click <b>Deliver Request</b> (or make such an event happen in Okta). Okta fills the preview from your org's latest such event, or with sample values when there is none.";

const AFTER_PUBLISHING =
	"These executions show up in the <a data-key='executions'>executions list</a>, not in the editor.";

export const TRIGGER_PANEL_TEXTS: Pick<
	INodeTypeDescription,
	'eventTriggerDescription' | 'activationMessage' | 'triggerPanel'
> = {
	eventTriggerDescription:
		'Waiting for an Okta event: in Okta, Workflow → Event Hooks → the “test]” hook → Actions → Preview → Deliver Request',
	triggerPanel: {
		header: 'Pull in a test event from Okta',
		executionsHelp: {
			inactive: `<b>While building your workflow</b>, click 'Execute step': n8n listens for a test event and registers a temporary Okta event hook for this workflow. ${PREVIEW_STEPS} The execution shows up in this editor.<br /><br /><b>Once you're happy with your workflow</b>, publish it. Then every event of the chosen types runs the workflow. ${AFTER_PUBLISHING}`,
			active: `<b>While building your workflow</b>, click 'Execute step': n8n listens for a test event and registers a temporary Okta event hook for this workflow. ${PREVIEW_STEPS} The execution shows up in this editor.<br /><br /><b>Your workflow also runs automatically</b>, since it is published: for every event of the chosen types, and for a Preview of the published hook (its name has no “test”), unless that event already ran once. ${AFTER_PUBLISHING}`,
		},
		activationHint:
			'Publishing registers an Okta event hook for the chosen event types and verifies it; Okta then sends every new such event to the production URL. Okta only calls public HTTPS addresses.',
	},
	activationMessage:
		'Okta now sends every event of the chosen types to this workflow. To try it, deliver a Preview of its event hook in Okta (Workflow → Event Hooks → Actions → Preview).',
};
