/**
 * A small `GET /api/v1/logs`: the events delivered or emitted so far, oldest first.
 * Supports `filter=eventType eq "x"` (several joined by ` or `), `since`, `until`, `limit`
 * (default 100, max 1000) and `after` (cursor = uuid of the last event of the previous page, as
 * put in the `Link: rel="next"` header). Other filter expressions answer 400 E0000001.
 */
import { validationFailed } from './errors';
import type { LogEvent } from './types';

export function queryLogs(
	log: LogEvent[],
	url: URL,
	orgUrl: string,
): { status: number; body: unknown; headers?: Record<string, string> } {
	const q = url.searchParams;
	let events = [...log].sort((a, b) => a.published.localeCompare(b.published));

	const filter = q.get('filter');
	if (filter) {
		const types = parseFilter(filter);
		if (!types)
			return {
				status: 400,
				body: validationFailed([`filter: Unsupported filter expression: ${filter}`], 'filter'),
			};
		events = events.filter((e) => types.includes(e.eventType));
	}
	for (const [name, keep] of [
		['since', (e: LogEvent, t: number) => Date.parse(e.published) >= t],
		['until', (e: LogEvent, t: number) => Date.parse(e.published) < t],
	] as const) {
		const value = q.get(name);
		if (!value) continue;
		const t = Date.parse(value);
		if (isNaN(t))
			return { status: 400, body: validationFailed([`${name}: Invalid date: ${value}`], name) };
		events = events.filter((e) => keep(e, t));
	}
	const after = q.get('after');
	if (after) {
		const index = events.findIndex((e) => e.uuid === after);
		events = index >= 0 ? events.slice(index + 1) : events;
	}
	const limit = Math.min(Math.max(Number(q.get('limit') ?? 100) || 100, 1), 1000);
	const page = events.slice(0, limit);

	const self = `${orgUrl}${url.pathname}${url.search}`;
	const links = [`<${self}>; rel="self"`];
	if (events.length > limit) {
		const next = new URL(self);
		next.searchParams.set('after', page[page.length - 1].uuid);
		links.push(`<${next.toString()}>; rel="next"`);
	}
	return { status: 200, body: page, headers: { Link: links.join(', ') } };
}

function parseFilter(filter: string): string[] | undefined {
	const parts = filter.split(/\s+or\s+/i);
	const types: string[] = [];
	for (const part of parts) {
		const m = /^\s*\(?\s*eventType\s+eq\s+"([^"]+)"\s*\)?\s*$/.exec(part);
		if (!m) return undefined;
		types.push(m[1]);
	}
	return types;
}
