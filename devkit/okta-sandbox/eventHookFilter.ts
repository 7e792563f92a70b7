/**
 * Okta's event hook filters (Early Access): `events.filter = { type: 'EXPRESSION_LANGUAGE',
 * eventFilterMap: [{ event, condition: { expression } }] }`, one Okta Expression Language
 * condition per subscribed event type; an event of that type is delivered only when it holds.
 *
 * What Okta documents (help.okta.com "Okta Expression Language and event hooks", the OpenAPI
 * spec's CreateAnEventHookWithFilter example): the expression must evaluate to a Boolean; only
 * these fields can be filtered: `event.eventType`, `event.outcome.result|reason`,
 * `event.actor.id|type|alternateId|displayName`, `event.debugData.changedAttributes`, and the
 * targets through a selection, `event.target.?[type eq 'UserGroup' && displayName eq 'Sales']`
 * (fields id, type, alternateId, displayName), counted with `.size()`; operators `eq`, `ne`,
 * `&&`, `||`. Preview bypasses filters.
 *
 * The sandbox evaluates that subset (plus `==`, `!=`, `!`, `and`, `or`, `not`, `gt ge lt le`,
 * `> >= < <=`, parentheses, 'single' or "double" quoted strings, numbers, true/false/null) and
 * refuses anything else when the hook is created or replaced, as Okta validates expressions
 * then. Choices where Okta is silent: a missing field is null (`null eq 'x'` is false, `ne` true);
 * string comparison is case-sensitive; `event.target` of an event without targets is empty.
 */

export class ExpressionError extends Error {}

export type EventPredicate = (event: Record<string, unknown>) => boolean;

type ValueType = 'string' | 'number' | 'boolean' | 'null' | 'list';
interface Node {
	type: ValueType;
	eval(scope: Scope): unknown;
}
interface Scope {
	event: Record<string, unknown>;
	/** The target element inside a `.?[ ]` selection. */
	element?: Record<string, unknown>;
}

type Token =
	| { kind: 'name'; text: string; at: number }
	| { kind: 'string'; text: string; at: number }
	| { kind: 'number'; value: number; text: string; at: number }
	| { kind: 'op'; text: string; at: number };

/** The fields Okta lets a filter read, as paths under `event`. */
const SCALAR_FIELDS = new Map<string, string[]>([
	['eventType', ['eventType']],
	['outcome.result', ['outcome', 'result']],
	['outcome.reason', ['outcome', 'reason']],
	['actor.id', ['actor', 'id']],
	['actor.type', ['actor', 'type']],
	['actor.alternateId', ['actor', 'alternateId']],
	['actor.displayName', ['actor', 'displayName']],
	// The EL's `event.debugData` is the LogEvent's debugContext.debugData.
	['debugData.changedAttributes', ['debugContext', 'debugData', 'changedAttributes']],
]);
const TARGET_FIELDS = new Set(['id', 'type', 'alternateId', 'displayName']);
const WORD_OPERATORS: Record<string, string> = {
	eq: '==',
	ne: '!=',
	gt: '>',
	ge: '>=',
	lt: '<',
	le: '<=',
	and: '&&',
	or: '||',
	not: '!',
};
const SYMBOLS = [
	'.?[',
	',',
	'==',
	'!=',
	'>=',
	'<=',
	'&&',
	'||',
	'>',
	'<',
	'!',
	'(',
	')',
	'[',
	']',
	'.',
];

function tokenize(source: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < source.length) {
		const c = source[i];
		if (/\s/.test(c)) {
			i++;
			continue;
		}
		if (c === "'" || c === '"') {
			const start = i;
			let text = '';
			for (i++; i < source.length && source[i] !== c; i++) {
				if (source[i] === '\\' && i + 1 < source.length) i++;
				text += source[i];
			}
			if (source[i] !== c) throw new ExpressionError(`unterminated string at position ${start}`);
			i++;
			tokens.push({ kind: 'string', text, at: start });
			continue;
		}
		const number = /^\d+(\.\d+)?/.exec(source.slice(i));
		if (number) {
			tokens.push({ kind: 'number', value: Number(number[0]), text: number[0], at: i });
			i += number[0].length;
			continue;
		}
		const name = /^[A-Za-z_$][\w$]*/.exec(source.slice(i));
		if (name) {
			const word = name[0];
			const op = WORD_OPERATORS[word.toLowerCase()];
			tokens.push(op ? { kind: 'op', text: op, at: i } : { kind: 'name', text: word, at: i });
			i += word.length;
			continue;
		}
		const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
		if (!symbol) throw new ExpressionError(`unexpected character '${c}' at position ${i}`);
		tokens.push({ kind: 'op', text: symbol, at: i });
		i += symbol.length;
	}
	return tokens;
}

function get(value: unknown, path: string[]): unknown {
	let v = value;
	for (const key of path) {
		if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
		v = (v as Record<string, unknown>)[key];
	}
	return v === undefined ? null : v;
}

function compare(op: string, a: unknown, b: unknown): boolean {
	if (op === '==') return a === b;
	if (op === '!=') return a !== b;
	if (a === null || b === null || typeof a !== typeof b) return false;
	const x = a as number | string;
	const y = b as number | string;
	return op === '>' ? x > y : op === '>=' ? x >= y : op === '<' ? x < y : x <= y;
}

/** Parses and type-checks an expression; throws ExpressionError for anything outside the subset. */
export function compileFilterExpression(source: string): EventPredicate {
	if (typeof source !== 'string' || source.trim() === '')
		throw new ExpressionError('the expression is empty');
	const tokens = tokenize(source);
	let at = 0;
	const peek = (offset = 0): Token | undefined => tokens[at + offset];
	const isOp = (text: string) => peek()?.kind === 'op' && peek()?.text === text;
	const where = () => {
		const token = peek();
		return token ? `at position ${token.at}` : 'at the end';
	};
	const expect = (text: string) => {
		if (!isOp(text)) throw new ExpressionError(`expected '${text}' ${where()}`);
		at++;
	};
	const requireType = (node: Node, type: ValueType, what: string) => {
		if (node.type !== type)
			throw new ExpressionError(`${what} must be a ${type}, not a ${node.type}`);
	};

	/** `event.<path>` or, inside a selection, a target field. */
	const reference = (inSelection: boolean): Node => {
		const first = tokens[at++] as Extract<Token, { kind: 'name' }>;
		if (inSelection && TARGET_FIELDS.has(first.text)) {
			const field = first.text;
			return { type: 'string', eval: (scope) => get(scope.element, [field]) };
		}
		if (first.text !== 'event')
			throw new ExpressionError(
				`unknown name '${first.text}' at position ${first.at}: start with event.`,
			);
		const path: string[] = [];
		while (isOp('.') && tokens[at + 1]?.kind === 'name') {
			at++;
			path.push((tokens[at++] as Extract<Token, { kind: 'name' }>).text);
			if (SCALAR_FIELDS.has(path.join('.')) || path.join('.') === 'target') break;
		}
		const dotted = path.join('.');
		const scalar = SCALAR_FIELDS.get(dotted);
		if (scalar) return { type: 'string', eval: (scope) => get(scope.event, scalar) };
		if (dotted !== 'target')
			throw new ExpressionError(
				`event.${dotted} cannot be filtered on (fields: event.${[...SCALAR_FIELDS.keys()].join(', event.')}, event.target.?[…])`,
			);
		if (!isOp('.?['))
			throw new ExpressionError(`event.target must be followed by a selection .?[ … ] ${where()}`);
		at++;
		const predicate = orExpression(true);
		requireType(predicate, 'boolean', 'a selection condition');
		expect(']');
		const selection: Node = {
			type: 'list',
			eval: (scope) => {
				const targets = get(scope.event, ['target']);
				return (Array.isArray(targets) ? targets : []).filter(
					(element) =>
						element !== null &&
						typeof element === 'object' &&
						predicate.eval({ ...scope, element: element as Record<string, unknown> }) === true,
				);
			},
		};
		if (!(isOp('.') && peek(1)?.kind === 'name')) return selection;
		at++;
		const method = tokens[at++] as Extract<Token, { kind: 'name' }>;
		if (method.text !== 'size')
			throw new ExpressionError(`unknown method '${method.text}' at position ${method.at}`);
		expect('(');
		expect(')');
		return { type: 'number', eval: (scope) => (selection.eval(scope) as unknown[]).length };
	};
	const primary = (inSelection: boolean): Node => {
		const token = peek();
		if (!token) throw new ExpressionError('unexpected end of expression');
		if (token.kind === 'string') {
			at++;
			return { type: 'string', eval: () => token.text };
		}
		if (token.kind === 'number') {
			at++;
			return { type: 'number', eval: () => token.value };
		}
		if (token.kind === 'name') {
			if (token.text === 'true' || token.text === 'false') {
				at++;
				const value = token.text === 'true';
				return { type: 'boolean', eval: () => value };
			}
			if (token.text === 'null') {
				at++;
				return { type: 'null', eval: () => null };
			}
			return reference(inSelection);
		}
		if (token.text === '(') {
			at++;
			const inner = orExpression(inSelection);
			expect(')');
			return inner;
		}
		throw new ExpressionError(`unexpected '${token.text}' at position ${token.at}`);
	};
	const comparison = (inSelection: boolean): Node => {
		const left = primary(inSelection);
		const token = peek();
		if (token?.kind !== 'op' || !['==', '!=', '>', '>=', '<', '<='].includes(token.text))
			return left;
		at++;
		const right = primary(inSelection);
		for (const side of [left, right])
			if (side.type === 'list' || side.type === 'boolean')
				throw new ExpressionError(`cannot compare a ${side.type} at position ${token.at}`);
		const op = token.text;
		return { type: 'boolean', eval: (scope) => compare(op, left.eval(scope), right.eval(scope)) };
	};
	const unary = (inSelection: boolean): Node => {
		if (!isOp('!')) return comparison(inSelection);
		at++;
		const inner = unary(inSelection);
		requireType(inner, 'boolean', 'the operand of !');
		return { type: 'boolean', eval: (scope) => inner.eval(scope) !== true };
	};
	const logical = (op: '&&' | '||', next: (s: boolean) => Node) => (inSelection: boolean) => {
		const parts = [next(inSelection)];
		while (isOp(op)) {
			at++;
			parts.push(next(inSelection));
		}
		if (parts.length === 1) return parts[0];
		parts.forEach((p) => requireType(p, 'boolean', `an operand of ${op}`));
		return {
			type: 'boolean' as const,
			eval: (scope: Scope) =>
				op === '&&'
					? parts.every((p) => p.eval(scope) === true)
					: parts.some((p) => p.eval(scope) === true),
		};
	};
	const andExpression = logical('&&', unary);
	const orExpression: (inSelection: boolean) => Node = logical('||', andExpression);
	const root = orExpression(false);
	if (at !== tokens.length) throw new ExpressionError(`unexpected '${tokens[at].text}' ${where()}`);
	requireType(root, 'boolean', 'the expression');
	return (event) => root.eval({ event }) === true;
}
