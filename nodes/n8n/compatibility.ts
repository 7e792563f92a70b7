import * as n8nWorkflow from 'n8n-workflow';
import type { Logger } from 'n8n-workflow';

/**
 * The n8n releases this package supports, as measured by `npm run test:compat` (the README's
 * compatibility table) and kept true by CI, which runs the real-n8n suites on both ends.
 *
 * The floor is where n8n began to answer an `onReceived` webhook only once it has created the
 * execution (n8n 2.8.0, webhook-helpers `shouldDeferOnReceivedResponse`): before it, n8n sends
 * Okta its 200 before the execution exists, so an execution n8n fails to create loses the event.
 * `peerDependencies` must stay `"n8n-workflow": "*"` (n8n's community-package rule
 * valid-peer-dependencies), so the range lives here and in the README.
 */
export const SUPPORTED_N8N = {
	/** Oldest release every guarantee was measured on. */
	oldest: '2.8.4',
	/** Newest release that installs from the registry and was measured. */
	newest: '2.41.1',
	/** First major line not yet measured. */
	nextMajor: 3,
} as const;

/** The range in words, for the README and messages. */
export const SUPPORTED_N8N_RANGE = `n8n ${SUPPORTED_N8N.oldest} to ${SUPPORTED_N8N.newest} (2.x)`;

/**
 * Whether the n8n running this node is at least 2.8, told from the n8n-workflow it loaded:
 * `isTriggerLikeNode` first shipped in n8n-workflow 2.8.0 (n8n 2.8.0), and neither 2.7.x nor the
 * 1.x line (1.123 ships n8n-workflow 1.120) has it.
 */
export function runsOnN8n28OrNewer(workflowPackage: object = n8nWorkflow): boolean {
	return (
		typeof (workflowPackage as { isTriggerLikeNode?: unknown }).isTriggerLikeNode === 'function'
	);
}

let warned = false;

/**
 * Says once in n8n's log when this n8n is older than the supported range: it answers Okta before
 * the execution exists, so an execution it fails to create loses that delivery's events. The
 * trigger works on; the log says what is weaker and what to do.
 */
export function warnIfN8nTooOld(logger: Logger, workflowPackage: object = n8nWorkflow): boolean {
	if (runsOnN8n28OrNewer(workflowPackage)) return false;
	if (!warned) {
		warned = true;
		logger.warn(
			`Okta MFA Preregistration Trigger: this n8n is older than 2.8. It answers Okta's deliveries before it has created the execution, so a delivery whose execution n8n then fails to create is lost (Okta does not send it again; Recover Missed Events does not see it either). Update n8n: this package supports ${SUPPORTED_N8N_RANGE}.`,
		);
	}
	return true;
}
