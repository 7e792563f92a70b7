/**
 * Vendors Okta's event type catalog (okta-developer-docs' data/event-types.json) as
 * nodes/events/eventTypeCatalog.json: one compact row per event type, internal types left out.
 *   npx tsx scripts/okta-event-types.ts [--from <file-or-url>] [--commit <sha>] [--date <iso>]
 *                                       [--url <url>] [--check]
 * Without --from it reads Okta's file on GitHub, pinned to the newest commit that changed it.
 * --from a local file records no commit unless --commit (and --date, --url) say which one it is.
 * --check writes nothing: it exits 1, listing the added, removed and changed ids, when the vendored
 * catalog is not what the source would generate. Only nodes/events/eventTypeCatalog.ts reads the
 * catalog at run time; nothing under nodes/ imports this script.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const OKTA_DOCS_REPO = 'okta/okta-developer-docs';
export const OKTA_EVENT_TYPES_PATH = 'packages/@okta/vuepress-site/data/event-types.json';
export const OKTA_EVENT_TYPES_URL = rawUrl('master');
export const CATALOG_FILE = path.resolve(__dirname, '..', 'nodes/events/eventTypeCatalog.json');
export const GENERATED_BY = 'scripts/okta-event-types.ts';

/** Row flags (a bitmask); nodes/events/eventTypeCatalog.ts reads them with the same values. */
export const FLAG_EVENT_HOOK = 1;
export const FLAG_BETA = 2;
/** Okta's tag for the event types an event hook may subscribe to. */
export const EVENT_HOOK_TAG = 'event-hook-eligible';
/** Longest name, the "…" of a cut one included. */
export const MAX_NAME_LENGTH = 100;

/** One event type: [id, name, category, flags]. */
export type CatalogRow = [id: string, name: string, category: string, flags: number];

export interface CatalogSource {
	url: string;
	commit?: string;
	date?: string;
}

export interface Catalog {
	source: CatalogSource & { release?: string; generatedBy: string };
	eventTypes: CatalogRow[];
}

export function rawUrl(ref: string): string {
	return `https://raw.githubusercontent.com/${OKTA_DOCS_REPO}/${ref}/${OKTA_EVENT_TYPES_PATH}`;
}

/**
 * A readable short name from Okta's description: its first sentence, whitespace collapsed, the
 * trailing period and a lead like "This event is triggered when" dropped, cut on a word boundary (with "…") to MAX_NAME_LENGTH. An event type
 * without a description is named by its id.
 */
const DANGLING =
	/ (?:a|an|the|of|in|on|to|for|from|by|with|as|at|or|and|that|which|when)$|[\s,;:.\-–(]+$/i;

export function nameFrom(description: unknown, id: string): string {
	const text = typeof description === 'string' ? description.replace(/\s+/g, ' ').trim() : '';
	const sentence = /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
	const name = withoutLead(sentence.replace(/\.+$/, '').trim());
	if (!name) return id;
	if (name.length <= MAX_NAME_LENGTH) return name;
	const room = MAX_NAME_LENGTH - 1;
	const head = name.slice(0, room + 1);
	const space = head.lastIndexOf(' ');
	let cut = space > room / 2 ? head.slice(0, space) : name.slice(0, room);
	// "… are created in…" reads better as "… are created…".
	for (;;) {
		const shorter = cut.replace(DANGLING, '');
		if (shorter === cut || shorter.length <= room / 2) break;
		cut = shorter;
	}
	return `${cut}…`;
}

/**
 * Okta's leads that say nothing about the event, dropped from names: "This event is triggered
 * after team settings are updated" reads "Team settings are updated", "Fired when an admin …" "An
 * admin …", "This event can be used by any admin or security team member to monitor the creation
 * of new folders …" "The creation of new folders …".
 */
const LEADS = [
	/^(?:this event (?:is|gets) )?(?:triggered|fired|emitted|logged) (?:when|after|whenever) /i,
	/^this event can be used by (?:any |an )?admins?(?: or security team members?)? to (?:monitor|audit|track|identify) (?:when )?/i,
	/^this event indicates that /i,
];

function withoutLead(sentence: string): string {
	for (const lead of LEADS) {
		const rest = sentence.replace(lead, '');
		if (rest !== sentence && rest.length >= 10) return rest[0].toUpperCase() + rest.slice(1);
	}
	return sentence;
}

/** The vendored catalog from Okta's event-types.json (parsed), and where that file came from. */
export function catalogFrom(okta: unknown, source: CatalogSource): Catalog {
	const file = okta as { release?: unknown; versions?: unknown };
	if (!file || typeof file !== 'object' || !Array.isArray(file.versions)) {
		throw new Error("Not Okta's event-types.json: it has no versions[]");
	}
	const versions = file.versions as Array<{ version?: unknown; eventTypes?: unknown }>;
	const v2 = versions.find((entry) => entry?.version === 'V2');
	if (!v2 || !Array.isArray(v2.eventTypes)) {
		throw new Error("Not Okta's event-types.json: it has no V2 version with eventTypes[]");
	}
	const rows: CatalogRow[] = [];
	const seen = new Set<string>();
	for (const [index, entry] of (v2.eventTypes as unknown[]).entries()) {
		const type = entry as Record<string, unknown>;
		if (!type || typeof type.id !== 'string' || !type.id.trim()) {
			throw new Error(`Okta's event type #${index} has no id`);
		}
		const id = type.id.trim();
		if (seen.has(id)) throw new Error(`Okta's catalog lists the event type "${id}" twice`);
		seen.add(id);
		if (type.internal === true) continue;
		const tags = Array.isArray(type.tags) ? type.tags : [];
		const flags =
			(tags.includes(EVENT_HOOK_TAG) ? FLAG_EVENT_HOOK : 0) | (type.beta === true ? FLAG_BETA : 0);
		const category = typeof type.category === 'string' ? type.category : '';
		rows.push([id, nameFrom(type.description, id), category, flags]);
	}
	rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return {
		source: {
			url: source.url,
			...(source.commit ? { commit: source.commit } : {}),
			...(source.date ? { date: source.date } : {}),
			...(typeof file.release === 'string' ? { release: file.release } : {}),
			generatedBy: GENERATED_BY,
		},
		eventTypes: rows,
	};
}

/** The file's text: stable, one event type per line (the path is in .prettierignore). */
export function serializeCatalog(catalog: Catalog): string {
	const rows = catalog.eventTypes.map((row) => `\t\t${JSON.stringify(row)}`);
	return [
		'{',
		`\t"source": ${JSON.stringify(catalog.source, null, '\t').replace(/\n/g, '\n\t')},`,
		'\t"eventTypes": [',
		rows.join(',\n'),
		'\t]',
		'}',
		'',
	].join('\n');
}

export interface CatalogDiff {
	added: string[];
	removed: string[];
	/** Ids whose name, category or flags differ, with what changed. */
	changed: Array<{ id: string; was: CatalogRow; now: CatalogRow }>;
	/** Source fields (url, commit, date, release) that differ: provenance, not content. */
	source: Array<{ field: string; was: unknown; now: unknown }>;
}

/** What regenerating would change, from the vendored catalog (was) to the generated one (now). */
export function diffCatalogs(was: Catalog, now: Catalog): CatalogDiff {
	const before = new Map(was.eventTypes.map((row) => [row[0], row]));
	const after = new Map(now.eventTypes.map((row) => [row[0], row]));
	const diff: CatalogDiff = { added: [], removed: [], changed: [], source: [] };
	for (const [id, row] of after) {
		const old = before.get(id);
		if (!old) diff.added.push(id);
		else if (JSON.stringify(old) !== JSON.stringify(row))
			diff.changed.push({ id, was: old, now: row });
	}
	for (const id of before.keys()) if (!after.has(id)) diff.removed.push(id);
	const fields = new Set([...Object.keys(was.source ?? {}), ...Object.keys(now.source)]);
	for (const field of fields) {
		const a = (was.source as unknown as Record<string, unknown>)?.[field];
		const b = (now.source as unknown as Record<string, unknown>)[field];
		if (a !== b) diff.source.push({ field, was: a, now: b });
	}
	return diff;
}

/** A readable summary of a diff, a line per id (at most `limit` per kind). */
export function describeDiff(diff: CatalogDiff, limit = 50): string {
	const lines: string[] = [];
	const list = (title: string, items: string[]) => {
		if (!items.length) return;
		lines.push(`${title} (${items.length}):`);
		for (const item of items.slice(0, limit)) lines.push(`  ${item}`);
		if (items.length > limit) lines.push(`  … and ${items.length - limit} more`);
	};
	list('added', diff.added);
	list('removed', diff.removed);
	list(
		'changed',
		diff.changed.map(({ id, was, now }) => {
			const parts: string[] = [];
			if (was[1] !== now[1])
				parts.push(`name ${JSON.stringify(was[1])} -> ${JSON.stringify(now[1])}`);
			if (was[2] !== now[2]) parts.push(`category ${was[2]} -> ${now[2]}`);
			if (was[3] !== now[3]) parts.push(`${flagText(was[3])} -> ${flagText(now[3])}`);
			return `${id}: ${parts.join('; ')}`;
		}),
	);
	list(
		'source (provenance: not a difference --check fails on)',
		diff.source.map(
			({ field, was, now }) => `${field}: ${JSON.stringify(was)} -> ${JSON.stringify(now)}`,
		),
	);
	return lines.join('\n');
}

function flagText(flags: number): string {
	const names = [flags & FLAG_EVENT_HOOK ? 'event hook' : '', flags & FLAG_BETA ? 'beta' : ''];
	return `[${names.filter(Boolean).join(', ') || 'no flags'}]`;
}

export interface Options {
	from?: string;
	commit?: string;
	date?: string;
	url?: string;
	check: boolean;
}

export function parseArgs(argv: string[]): Options {
	const options: Options = { check: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--check') {
			options.check = true;
			continue;
		}
		const name = /^--(from|commit|date|url)$/.exec(arg)?.[1] as 'from' | 'commit' | 'date' | 'url';
		const value = argv[i + 1];
		if (!name || value === undefined || value.startsWith('--')) {
			throw new Error(
				`Usage: npx tsx scripts/okta-event-types.ts [--from <file-or-url>] [--commit <sha>] [--date <iso>] [--url <url>] [--check] (at "${arg}")`,
			);
		}
		options[name] = value;
		i++;
	}
	return options;
}

type Fetch = (url: string, init?: { headers?: Record<string, string> }) => Promise<Response>;

/**
 * Where to read Okta's file from, and what to record about it. The default (no --from) asks
 * GitHub for the newest commit that changed the file and reads the file at that commit; a URL
 * with a commit in it records that commit; a local file records what --commit/--date/--url say
 * (its url is Okta's file at --commit, or on master without one).
 */
export async function resolveSource(
	options: Omit<Options, 'check'>,
	fetchImpl: Fetch = fetch,
): Promise<{ from: string; source: CatalogSource }> {
	const isUrl = (text: string) => /^https?:\/\//.test(text);
	let from = options.from;
	let commit =
		options.commit ?? (from && isUrl(from) ? /\/([0-9a-f]{40})\//.exec(from)?.[1] : undefined);
	let date = options.date;
	if (!from && !commit) {
		try {
			const newest = await newestCommit(fetchImpl);
			commit = newest.sha;
			date ??= newest.date;
		} catch (error) {
			console.warn(`Could not ask GitHub for the file's newest commit (${error}): reading master.`);
		}
	}
	from ??= commit ? rawUrl(commit) : OKTA_EVENT_TYPES_URL;
	const url = options.url ?? (isUrl(from) ? from : commit ? rawUrl(commit) : OKTA_EVENT_TYPES_URL);
	return { from, source: { url, ...(commit ? { commit } : {}), ...(date ? { date } : {}) } };
}

/** The newest commit on master that changed Okta's event-types.json (GitHub's commits API). */
async function newestCommit(fetchImpl: Fetch): Promise<{ sha: string; date?: string }> {
	const api = `https://api.github.com/repos/${OKTA_DOCS_REPO}/commits?sha=master&per_page=1&path=${encodeURIComponent(OKTA_EVENT_TYPES_PATH)}`;
	const response = await fetchImpl(api, { headers: { accept: 'application/vnd.github+json' } });
	if (!response.ok) throw new Error(`HTTP ${response.status}`);
	const [last] = (await response.json()) as Array<{
		sha?: unknown;
		commit?: { committer?: { date?: unknown } };
	}>;
	if (typeof last?.sha !== 'string' || !/^[0-9a-f]{40}$/.test(last.sha)) {
		throw new Error('no commit listed');
	}
	const date = last.commit?.committer?.date;
	return { sha: last.sha, ...(typeof date === 'string' ? { date } : {}) };
}

async function readOkta(from: string, fetchImpl: Fetch = fetch): Promise<unknown> {
	if (!/^https?:\/\//.test(from)) return JSON.parse(fs.readFileSync(from, 'utf8'));
	const response = await fetchImpl(from);
	if (!response.ok) throw new Error(`${from}: HTTP ${response.status}`);
	return response.json();
}

async function main(): Promise<number> {
	const options = parseArgs(process.argv.slice(2));
	const { from, source } = await resolveSource(options);
	const catalog = catalogFrom(await readOkta(from), source);
	const text = serializeCatalog(catalog);
	const hooks = catalog.eventTypes.filter(([, , , flags]) => flags & FLAG_EVENT_HOOK).length;
	const counts = `${catalog.eventTypes.length} event types, ${hooks} event-hook eligible`;
	const where = path.relative(process.cwd(), CATALOG_FILE);
	if (!options.check) {
		fs.mkdirSync(path.dirname(CATALOG_FILE), { recursive: true });
		fs.writeFileSync(CATALOG_FILE, text);
		console.log(`${where}: ${counts} (Okta ${catalog.source.release ?? '?'}, from ${from})`);
		return 0;
	}
	if (!fs.existsSync(CATALOG_FILE)) {
		console.error(`${where} does not exist: run without --check to write it`);
		return 1;
	}
	const vendoredText = fs.readFileSync(CATALOG_FILE, 'utf8');
	const vendored = JSON.parse(vendoredText) as Catalog;
	const diff = diffCatalogs(vendored, catalog);
	const contentDiffers = diff.added.length + diff.removed.length + diff.changed.length > 0;
	const formatDiffers = vendoredText !== serializeCatalog(vendored);
	if (!contentDiffers && !formatDiffers) {
		const note = diff.source.length ? ` (provenance differs:\n${describeDiff(diff)})` : '';
		console.log(`${where} is up to date with ${from}: ${counts}${note}`);
		return 0;
	}
	console.error(`${where} differs from what ${from} generates:`);
	if (contentDiffers) console.error(describeDiff(diff));
	if (formatDiffers) console.error('the file is not in the generator’s format');
	console.error('Run npx tsx scripts/okta-event-types.ts (same --from) to regenerate it.');
	return 1;
}

if (require.main === module) {
	main().then(
		(code) => process.exit(code),
		(error) => {
			console.error(error instanceof Error ? error.message : error);
			process.exit(1);
		},
	);
}
