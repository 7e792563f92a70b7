/**
 * The System Log's `filter`: a SCIM filter expression over event attributes (Okta: "All operators
 * except [ ] are supported"): `eq ne co sw ew gt ge lt le pr`, `and`, `or`, `not (…)`, parentheses,
 * dotted attribute paths (an array such as `target` matches when any element does). `published`
 * cannot be filtered (Okta: use since/until). A parse error throws FilterError.
 */
import type { LogEvent } from './types';

export class FilterError extends Error {}

export type LogPredicate = (event: LogEvent) => boolean;

type Token = { kind: 'word' | 'string' | '(' | ')'; text: string };

const COMPARE = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const ATTRIBUTE = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/;

function tokenize(filter: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < filter.length) {
		const c = filter[i];
		if (/\s/.test(c)) i++;
		else if (c === '(' || c === ')') {
			tokens.push({ kind: c, text: c });
			i++;
		} else if (c === '"') {
			let text = '';
			for (i++; i < filter.length && filter[i] !== '"'; i++) {
				if (filter[i] === '\\' && i + 1 < filter.length) i++;
				text += filter[i];
			}
			if (filter[i] !== '"') throw new FilterError('unterminated string');
			tokens.push({ kind: 'string', text });
			i++;
		} else {
			const word = /^[^\s()"]+/.exec(filter.slice(i))![0];
			tokens.push({ kind: 'word', text: word });
			i += word.length;
		}
	}
	return tokens;
}

/** The values at a dotted path; arrays fan out. */
function valuesAt(value: unknown, path: string[]): unknown[] {
	if (path.length === 0) return Array.isArray(value) ? value : [value];
	if (Array.isArray(value)) return value.flatMap((item) => valuesAt(item, path));
	if (value === null || typeof value !== 'object') return [];
	return valuesAt((value as Record<string, unknown>)[path[0]], path.slice(1));
}

function compare(op: string, actual: unknown, expected: string | number | boolean | null): boolean {
	if (op === 'eq') return actual === expected;
	if (op === 'ne') return actual !== expected;
	if (typeof actual !== 'string' || typeof expected !== 'string')
		return ['gt', 'ge', 'lt', 'le'].includes(op) && typeof actual === 'number'
			? compareOrdered(op, actual, Number(expected))
			: false;
	const a = actual.toLowerCase();
	const e = expected.toLowerCase();
	if (op === 'co') return a.includes(e);
	if (op === 'sw') return a.startsWith(e);
	if (op === 'ew') return a.endsWith(e);
	return compareOrdered(op, actual, expected);
}

function compareOrdered<T extends string | number>(op: string, a: T, e: T): boolean {
	return op === 'gt' ? a > e : op === 'ge' ? a >= e : op === 'lt' ? a < e : a <= e;
}

export function parseLogFilter(filter: string): LogPredicate {
	const tokens = tokenize(filter);
	let at = 0;
	const peekWord = () => (tokens[at]?.kind === 'word' ? tokens[at].text.toLowerCase() : undefined);

	const primary = (): LogPredicate => {
		const token = tokens[at];
		if (!token) throw new FilterError('unexpected end of filter');
		if (token.kind === '(') {
			at++;
			const inner = orExpression();
			if (tokens[at++]?.kind !== ')') throw new FilterError('missing )');
			return inner;
		}
		if (peekWord() === 'not') {
			at++;
			if (tokens[at]?.kind !== '(') throw new FilterError('not must be followed by (');
			const inner = primary();
			return (event) => !inner(event);
		}
		if (token.kind !== 'word' || !ATTRIBUTE.test(token.text))
			throw new FilterError(`expected an attribute at "${token.text}"`);
		if (token.text === 'published')
			throw new FilterError('published cannot be filtered; use since and until');
		const path = token.text.split('.');
		at++;
		const op = peekWord();
		if (op === 'pr') {
			at++;
			return (event) => valuesAt(event, path).some((v) => v !== undefined && v !== null);
		}
		if (!op || !COMPARE.includes(op)) throw new FilterError(`unknown operator after ${token.text}`);
		at++;
		const operand = tokens[at++];
		let expected: string | number | boolean | null;
		if (operand?.kind === 'string') expected = operand.text;
		else if (operand?.kind === 'word' && /^(true|false|null)$/.test(operand.text))
			expected = JSON.parse(operand.text) as boolean | null;
		else if (operand?.kind === 'word' && /^-?\d+(\.\d+)?$/.test(operand.text))
			expected = Number(operand.text);
		else throw new FilterError(`expected a value after ${token.text} ${op}`);
		return (event) => valuesAt(event, path).some((actual) => compare(op, actual, expected));
	};
	const andExpression = (): LogPredicate => {
		const parts = [primary()];
		while (peekWord() === 'and') {
			at++;
			parts.push(primary());
		}
		return (event) => parts.every((part) => part(event));
	};
	const orExpression = (): LogPredicate => {
		const parts = [andExpression()];
		while (peekWord() === 'or') {
			at++;
			parts.push(andExpression());
		}
		return (event) => parts.some((part) => part(event));
	};

	const predicate = orExpression();
	if (at !== tokens.length) throw new FilterError(`unexpected "${tokens[at].text}"`);
	return predicate;
}
