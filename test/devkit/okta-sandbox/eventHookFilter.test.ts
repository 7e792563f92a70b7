/**
 * The sandbox's evaluator of Okta's event hook filter expressions (Okta Expression Language, the
 * subset Okta documents for event hook filters): what holds for an event, and what is refused
 * when a hook is created (Okta validates expressions then).
 */
import {
	compileFilterExpression,
	ExpressionError,
} from '../../../devkit/okta-sandbox/eventHookFilter';

/** A group membership event as Okta logs it: a user added to the Sales group by an admin. */
const event = {
	eventType: 'group.user_membership.add',
	actor: { id: '00uadmin', type: 'User', alternateId: 'admin@example.com', displayName: 'Ada' },
	outcome: { result: 'SUCCESS', reason: null },
	target: [
		{ id: '00ujane', type: 'User', alternateId: 'jane@example.com', displayName: 'Jane Doe' },
		{ id: '00gsales', type: 'UserGroup', alternateId: 'unknown', displayName: 'Sales' },
	],
	debugContext: { debugData: { changedAttributes: 'firstName' } },
};
const holds = (expression: string, on: Record<string, unknown> = event) =>
	compileFilterExpression(expression)(on);

describe('Okta EL filter expressions: what holds', () => {
	it.each([
		// Okta's own examples (help.okta.com, the OpenAPI spec's CreateAnEventHookWithFilter).
		["event.target.?[type eq 'UserGroup' && displayName eq 'Sales'].size()> 0", true],
		[
			"event.target.?[type eq 'UserGroup'].size()>0 && event.target.?[displayName eq 'Sales'].size()>0",
			true,
		],
		["event.target.?[type eq 'UserGroup' && displayName eq 'Support'].size() > 0", false],
		["event.target.?[type eq 'User' && alternateId eq 'jane@example.com'].size() > 0", true],
		["event.target.?[type eq 'User' && alternateId eq 'omar@example.com'].size() > 0", false],
		["event.target.?[type eq 'User'].size() == 1", true],
		["event.actor.alternateId eq 'admin@example.com'", true],
		["event.actor.alternateId ne 'admin@example.com'", false],
		["event.outcome.result eq 'SUCCESS'", true],
		["event.outcome.result eq 'FAILURE' || event.actor.type eq 'User'", true],
		["event.eventType eq 'group.user_membership.add' and event.actor.id eq '00uadmin'", true],
		["!(event.outcome.result eq 'SUCCESS')", false],
		["not (event.actor.displayName == 'Bob')", true],
		['event.debugData.changedAttributes eq "firstName"', true],
		['event.outcome.reason eq null', true],
		["event.actor.displayName eq 'ada'", false],
	])('%s → %s', (expression, expected) => {
		expect(holds(expression)).toBe(expected);
	});

	it('reads a missing field as null and an event without targets as an empty list', () => {
		const bare = { eventType: 'user.session.start', actor: {}, outcome: { result: 'SUCCESS' } };
		expect(holds("event.actor.alternateId eq 'x'", bare)).toBe(false);
		expect(holds("event.actor.alternateId ne 'x'", bare)).toBe(true);
		expect(holds("event.target.?[type eq 'User'].size() > 0", bare)).toBe(false);
		expect(holds("event.target.?[type eq 'User'].size() == 0", { ...bare, target: null })).toBe(
			true,
		);
	});
});

describe('Okta EL filter expressions: refused at create time', () => {
	it.each([
		['', /empty/],
		["event.actor.alternateId eq 'x' &&", /end of expression/],
		['event.actor.alternateId', /must be a boolean/],
		["event.client.ipAddress eq '198.51.100.1'", /event\.client\.ipAddress cannot be filtered/],
		["event.target.size() > 0 && event.eventType eq 'x'", /selection/],
		["event.target.?[type eq 'User'].count() > 0", /unknown method 'count'/],
		["String.stringContains(event.actor.alternateId, 'x')", /unknown name 'String'/],
		["user.login eq 'x'", /unknown name 'user'/],
		["event.eventType eq 'x' || 1", /must be a boolean/],
		["event.target.?[type eq 'User'] eq 'x'", /cannot compare a list/],
		["event.actor.alternateId eq 'unterminated", /unterminated string/],
		["event.eventType eq 'a' )", /unexpected '\)'/],
	])('%j', (expression, reason) => {
		expect(() => compileFilterExpression(expression)).toThrow(ExpressionError);
		expect(() => compileFilterExpression(expression)).toThrow(reason);
	});
});
