import * as n8nWorkflow from 'n8n-workflow';

import {
	SUPPORTED_N8N,
	runsOnN8n28OrNewer,
	warnIfN8nTooOld,
} from '../../../nodes/n8n/compatibility';

/** n8n-workflow as an n8n older than 2.8 ships it: everything but what 2.8.0 added. */
function n8nWorkflowBefore28(): object {
	const { isTriggerLikeNode, validateNodeCredentials, isNodeConnected, ...older } = n8nWorkflow;
	void [isTriggerLikeNode, validateNodeCredentials, isNodeConnected];
	return older;
}

describe('telling an n8n older than the supported range', () => {
	it('takes the n8n-workflow under test for 2.8 or newer', () => {
		expect(runsOnN8n28OrNewer()).toBe(true);
	});

	it("says once in n8n's log that Okta is answered before the execution exists, and what to do", () => {
		const warn = jest.fn();
		const older = n8nWorkflowBefore28();
		expect(warnIfN8nTooOld({ warn } as never, older)).toBe(true);
		expect(warnIfN8nTooOld({ warn } as never, older)).toBe(true);
		expect(warn).toHaveBeenCalledTimes(1);
		expect(warn.mock.calls[0][0]).toMatch(/older than 2\.8/);
		expect(warn.mock.calls[0][0]).toContain(SUPPORTED_N8N.oldest);
	});

	it('says nothing on a supported n8n', () => {
		const warn = jest.fn();
		expect(warnIfN8nTooOld({ warn } as never)).toBe(false);
		expect(warn).not.toHaveBeenCalled();
	});
});
