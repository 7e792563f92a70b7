/**
 * Okta's refusals as the user reads them: Okta's words (summary, causes, code, error id) and what
 * to do, which depends on what was being done: managing event hooks or reading the System Log.
 */
import type { INode } from 'n8n-workflow';

import { oktaApiError, oktaApiStatus } from '../../../nodes/okta/errors';

const node: INode = {
	id: '1',
	name: 'Okta',
	type: 'test.okta',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const body = (errorCode: string, errorSummary: string, causes: string[] = []) => ({
	errorCode,
	errorSummary,
	errorLink: errorCode,
	errorId: 'oaeAbCdEf123',
	errorCauses: causes.map((errorSummary) => ({ errorSummary })),
});
const denied = body('E0000006', 'You do not have permission to perform the requested action');
const insufficientScope = {
	'WWW-Authenticate': 'DPoP error="insufficient_scope", error_description="…"',
};

describe('Okta errors', () => {
	it("carry Okta's summary, causes, error code, HTTP status and error id", () => {
		const error = oktaApiError(
			node,
			'read the System Log',
			400,
			body('E0000001', 'Api validation failed: since', [
				'since: The since parameter is over 180 days prior to the current day',
			]),
			'apiToken',
			{},
			'systemLog',
		);
		expect(error.message).toBe(
			'Okta refused to read the System Log: Api validation failed: since — since: The since parameter is over 180 days prior to the current day',
		);
		expect(error.description).toMatch(/\(Okta error E0000001, HTTP 400, error ID oaeAbCdEf123\)$/);
		expect(oktaApiStatus(error)).toBe(400);
	});

	it('tell an API token owner which admin roles can read the System Log', () => {
		const error = oktaApiError(
			node,
			'read the System Log',
			403,
			denied,
			'apiToken',
			{},
			'systemLog',
		);
		expect(error.description).toMatch(
			/token's creator may not read the System Log.*Super, Org, Read-only or Report Administrator.*E0000006, HTTP 403, error ID oaeAbCdEf123/s,
		);
		expect(error.description).not.toMatch(/event hook/i);
	});

	it('tell a service app to grant okta.logs.read, and an admin role when the scope is there', () => {
		const scope = oktaApiError(
			node,
			'read the System Log',
			403,
			denied,
			'oAuth2',
			insufficientScope,
			'systemLog',
		);
		expect(scope.description).toMatch(/grant okta\.logs\.read/);
		expect(scope.description).not.toMatch(/eventHooks/);
		const role = oktaApiError(node, 'read the System Log', 403, denied, 'oAuth2', {}, 'systemLog');
		expect(role.description).toMatch(
			/okta\.logs\.read.*Read-only or Report Administrator.*Admin roles/s,
		);
	});

	it('keep the event-hook advice for event-hook calls', () => {
		expect(oktaApiError(node, 'create the event hook', 403, denied).description).toMatch(
			/may not manage event hooks/,
		);
		expect(
			oktaApiError(node, 'create the event hook', 403, denied, 'oAuth2', insufficientScope)
				.description,
		).toMatch(/grant okta\.eventHooks\.manage and okta\.eventHooks\.read/);
		expect(
			oktaApiError(
				node,
				'create the event hook',
				429,
				body('E0000047', 'API call exceeded rate limit'),
			).description,
		).toMatch(/rate limit for event hooks/);
	});

	it("say the System Log's rate limit is shared, and a refused filter is the query's", () => {
		const limited = oktaApiError(
			node,
			'read the System Log',
			429,
			body('E0000047', 'API call exceeded rate limit due to too many requests.'),
			'apiToken',
			{},
			'systemLog',
		);
		expect(limited.description).toMatch(/System Log.*shared with every integration.*resumes/s);
		const filter = oktaApiError(
			node,
			'read the System Log',
			400,
			body('E0000053', 'Invalid search criteria.'),
			'apiToken',
			{},
			'systemLog',
		);
		expect(filter.description).toMatch(/refused the System Log query.*E0000053/s);
	});

	it("tolerate a body that is not Okta's error shape", () => {
		const error = oktaApiError(
			node,
			'read the System Log',
			502,
			'<html>Bad gateway</html>',
			'apiToken',
			{},
			'systemLog',
		);
		expect(error.message).toBe('Okta refused to read the System Log: HTTP 502');
		expect(error.description).toMatch(/internal problem.*\(HTTP 502\)$/s);
	});
});
