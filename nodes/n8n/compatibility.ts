/**
 * The n8n releases this package supports, as measured by `npm run test:compat` (the README's
 * compatibility table) and kept true by CI, which runs the real-n8n suites on both ends.
 *
 * The floor is where n8n began to answer an `onReceived` webhook only once it has created the
 * execution (n8n 2.8.0, webhook-helpers `shouldDeferOnReceivedResponse`): before it, n8n sends
 * Okta its 200 before the execution exists, so an execution n8n fails to create loses the event.
 * `peerDependencies` must stay `"n8n-workflow": "*"` (n8n's community-package rule), so the range
 * lives here and in the README.
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
