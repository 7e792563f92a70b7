import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../../devkit/paths';
import { findEventType } from '../../nodes/events/eventTypeCatalog';
import {
	CATALOG_FILE,
	type Catalog,
	FLAG_BETA,
	FLAG_EVENT_HOOK,
	OKTA_EVENT_TYPES_URL,
	catalogFrom,
	describeDiff,
	diffCatalogs,
	nameFrom,
	parseArgs,
	rawUrl,
	resolveSource,
	serializeCatalog,
} from '../../scripts/okta-event-types';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const SOURCE = { url: rawUrl(COMMIT), commit: COMMIT, date: '2026-01-02T03:04:05Z' };

/** A few event types in the shape of Okta's event-types.json, out of order on purpose. */
function oktaFile(eventTypes: object[] = FIXTURE_TYPES): object {
	return {
		release: '2026.01.0',
		build: '2026.01.0-begin-1-gabc',
		categories: [{ id: 'passwordless', name: 'Passwordless' }],
		tags: ['event-hook-eligible', 'mfa'],
		versions: [{ version: 'V2', eventTypes }],
	};
}

function type(id: string, more: object = {}): object {
	return {
		id,
		category: 'passwordless',
		description: `Something about ${id}. More words.`,
		info: { created: '2024-01-26', release: '2024.02.0' },
		beta: false,
		internal: false,
		tags: [],
		schema: { debugData: null, actor: null, targets: [], changeDetails: [] },
		...more,
	};
}

const FIXTURE_TYPES = [
	type('user.session.start', {
		category: 'authn-platform',
		description: 'User login to Okta.  Use it to audit sign-ins.',
		tags: ['session', 'event-hook-eligible'],
	}),
	type('system.mfa.preregister.initiate', {
		description:
			'Admin triggered MFA preregistration flow. Provides Workflows and other third-party services with a hook.',
		beta: true,
		tags: ['event-hook-eligible', 'mfa'],
	}),
	type('security.internal.threat.detected', {
		internal: true,
		tags: ['event-hook-eligible'],
	}),
	type('zone.update', { description: 'Network zone update.', category: 'essential-security' }),
	type('mim.command.ios.new', { description: '' }),
	type('pam.secret.create', {
		description:
			'This event is triggered when a Secret, such as a password, stored in the Okta Privileged Access Vault is created. It has details.',
		beta: true,
	}),
];

describe('catalogFrom: the vendored catalog from Okta’s event-types.json', () => {
	const catalog = catalogFrom(oktaFile(), SOURCE);

	it('records the source, Okta’s release and the generator', () => {
		expect(catalog.source).toEqual({
			url: rawUrl(COMMIT),
			commit: COMMIT,
			date: '2026-01-02T03:04:05Z',
			release: '2026.01.0',
			generatedBy: 'scripts/okta-event-types.ts',
		});
	});

	it('keeps one row per event type, [id, name, category, flags], sorted by id', () => {
		expect(catalog.eventTypes).toEqual([
			['mim.command.ios.new', 'mim.command.ios.new', 'passwordless', 0],
			[
				'pam.secret.create',
				'A Secret, such as a password, stored in the Okta Privileged Access Vault is created',
				'passwordless',
				FLAG_BETA,
			],
			[
				'system.mfa.preregister.initiate',
				'Admin triggered MFA preregistration flow',
				'passwordless',
				FLAG_EVENT_HOOK | FLAG_BETA,
			],
			['user.session.start', 'User login to Okta', 'authn-platform', FLAG_EVENT_HOOK],
			['zone.update', 'Network zone update', 'essential-security', 0],
		]);
	});

	it('leaves out internal event types, even event-hook-eligible ones', () => {
		expect(catalog.eventTypes.map(([id]) => id)).not.toContain('security.internal.threat.detected');
	});

	it('records no commit or date it was not told', () => {
		const bare = catalogFrom(oktaFile(), { url: OKTA_EVENT_TYPES_URL });
		expect(bare.source).toEqual({
			url: OKTA_EVENT_TYPES_URL,
			release: '2026.01.0',
			generatedBy: 'scripts/okta-event-types.ts',
		});
	});

	it('refuses a file that is not Okta’s catalog, or lists an id twice', () => {
		expect(() => catalogFrom({ eventTypes: [] }, SOURCE)).toThrow('it has no versions[]');
		expect(() => catalogFrom({ versions: [{ version: 'V1', eventTypes: [] }] }, SOURCE)).toThrow(
			'it has no V2 version with eventTypes[]',
		);
		expect(() => catalogFrom(oktaFile([type('a.b'), { category: 'x' }]), SOURCE)).toThrow(
			"Okta's event type #1 has no id",
		);
		expect(() => catalogFrom(oktaFile([type('a.b'), type('a.b')]), SOURCE)).toThrow(
			'lists the event type "a.b" twice',
		);
	});
});

describe('nameFrom: a readable name from Okta’s description', () => {
	it('is the first sentence, whitespace collapsed, without its trailing period', () => {
		expect(nameFrom('  User   login\nto Okta.  Use it to audit.', 'x')).toBe('User login to Okta');
		expect(nameFrom('Is the hook verified? Yes.', 'x')).toBe('Is the hook verified?');
		expect(nameFrom('A token for a connection has been revoked in a service., and more', 'x')).toBe(
			'A token for a connection has been revoked in a service., and more',
		);
		expect(nameFrom('Version 1.2 of the policy is active. Then', 'x')).toBe(
			'Version 1.2 of the policy is active',
		);
	});

	it('drops leads that say nothing about the event', () => {
		expect(nameFrom('This event is triggered after team settings are updated.', 'x')).toBe(
			'Team settings are updated',
		);
		expect(nameFrom('Fired when an admin activates an authenticator for the org.', 'x')).toBe(
			'An admin activates an authenticator for the org',
		);
		expect(
			nameFrom(
				'This event can be used by any admin or security team member to monitor when a user renames a folder in the Workflows platform.',
				'x',
			),
		).toBe('A user renames a folder in the Workflows platform');
		expect(nameFrom('Fired at the start of the user matching phase.', 'x')).toBe(
			'Fired at the start of the user matching phase',
		);
	});

	it('is cut on a word boundary with "…" past 100 characters, without a dangling word', () => {
		const long =
			'A credential, such as a password, which is associated with a known breach was used during an authentication flow.';
		const name = nameFrom(long, 'x');
		expect(name).toBe(
			'A credential, such as a password, which is associated with a known breach was used during…',
		);
		expect(name.length).toBeLessThanOrEqual(100);
		const unbroken = nameFrom(`${'x'.repeat(150)}.`, 'x');
		expect(unbroken).toBe(`${'x'.repeat(99)}…`);
	});

	it('is the id when Okta gives no description', () => {
		expect(nameFrom('', 'mim.command.ios.new')).toBe('mim.command.ios.new');
		expect(nameFrom(undefined, 'a.b')).toBe('a.b');
		expect(nameFrom(' . ', 'a.b')).toBe('a.b');
	});
});

describe('the catalog file’s format', () => {
	it('has one event type per line, and parses back to the same catalog', () => {
		const catalog = catalogFrom(oktaFile(), SOURCE);
		const text = serializeCatalog(catalog);
		expect(JSON.parse(text)).toEqual(catalog);
		const lines = text.split('\n');
		for (const [id] of catalog.eventTypes) {
			expect(lines.filter((line) => line.includes(`["${id}",`))).toHaveLength(1);
		}
		expect(text.endsWith(']\n}\n')).toBe(true);
	});
});

describe('diffCatalogs and describeDiff: what --check reports', () => {
	it('lists the added, removed and changed ids, and the source fields that moved', () => {
		const was = catalogFrom(oktaFile(), SOURCE);
		const now = catalogFrom(
			oktaFile([
				...FIXTURE_TYPES.filter((entry) => (entry as { id: string }).id !== 'zone.update'),
				type('user.brand.new'),
			]),
			{ url: OKTA_EVENT_TYPES_URL },
		);
		now.eventTypes = now.eventTypes.map((row) =>
			row[0] === 'user.session.start' ? [row[0], 'User sign-in', row[2], row[3] | FLAG_BETA] : row,
		);
		const diff = diffCatalogs(was, now);
		expect(diff.added).toEqual(['user.brand.new']);
		expect(diff.removed).toEqual(['zone.update']);
		expect(diff.changed.map(({ id }) => id)).toEqual(['user.session.start']);
		expect(diff.source.map(({ field }) => field).sort()).toEqual(['commit', 'date', 'url']);
		const text = describeDiff(diff);
		expect(text).toContain('added (1):\n  user.brand.new');
		expect(text).toContain('removed (1):\n  zone.update');
		expect(text).toContain(
			'user.session.start: name "User login to Okta" -> "User sign-in"; [event hook] -> [event hook, beta]',
		);
	});

	it('finds nothing between a catalog and itself', () => {
		const catalog = catalogFrom(oktaFile(), SOURCE);
		expect(diffCatalogs(catalog, structuredClone(catalog))).toEqual({
			added: [],
			removed: [],
			changed: [],
			source: [],
		});
	});

	it('shortens long lists', () => {
		const text = describeDiff(
			{ added: ['a', 'b', 'c', 'd'], removed: [], changed: [], source: [] },
			2,
		);
		expect(text).toBe('added (4):\n  a\n  b\n  … and 2 more');
	});
});

describe('the command line', () => {
	it('takes --from, --commit, --date, --url and --check', () => {
		expect(parseArgs(['--from', 'f.json', '--check', '--commit', COMMIT])).toEqual({
			from: 'f.json',
			commit: COMMIT,
			check: true,
		});
		expect(() => parseArgs(['--from'])).toThrow('Usage: npx tsx scripts/okta-event-types.ts');
		expect(() => parseArgs(['--frm', 'x'])).toThrow('(at "--frm")');
	});

	it('reads Okta’s file at the newest commit that changed it, by default', async () => {
		const asked: string[] = [];
		const fakeFetch = async (url: string) => {
			asked.push(url);
			return new Response(
				JSON.stringify([{ sha: COMMIT, commit: { committer: { date: '2026-01-02T03:04:05Z' } } }]),
			);
		};
		expect(await resolveSource({}, fakeFetch)).toEqual({ from: rawUrl(COMMIT), source: SOURCE });
		expect(asked).toEqual([
			'https://api.github.com/repos/okta/okta-developer-docs/commits?sha=master&per_page=1&path=packages%2F%40okta%2Fvuepress-site%2Fdata%2Fevent-types.json',
		]);
	});

	it('falls back to master, unpinned, when GitHub does not answer', async () => {
		const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
		const down = async () => new Response('nope', { status: 503 });
		expect(await resolveSource({}, down)).toEqual({
			from: OKTA_EVENT_TYPES_URL,
			source: { url: OKTA_EVENT_TYPES_URL },
		});
		expect(warn).toHaveBeenCalledWith(expect.stringContaining('HTTP 503'));
		warn.mockRestore();
	});

	it('records the commit of a URL that names one, and what it is told about a local file', async () => {
		const never = async (): Promise<Response> => {
			throw new Error('no network here');
		};
		expect(await resolveSource({ from: rawUrl(COMMIT) }, never)).toEqual({
			from: rawUrl(COMMIT),
			source: { url: rawUrl(COMMIT), commit: COMMIT },
		});
		expect(
			await resolveSource({ from: '/tmp/e.json', commit: COMMIT, date: SOURCE.date }, never),
		).toEqual({ from: '/tmp/e.json', source: SOURCE });
		expect(await resolveSource({ from: '/tmp/e.json' }, never)).toEqual({
			from: '/tmp/e.json',
			source: { url: OKTA_EVENT_TYPES_URL },
		});
	});
});

/** Runs the script; it must never write the vendored catalog in these tests. */
function runScript(...args: string[]) {
	const run = spawnSync(
		process.execPath,
		[path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/okta-event-types.ts', ...args],
		{ cwd: REPO_ROOT, encoding: 'utf8', timeout: 60000 },
	);
	return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const tempDirs: string[] = [];
afterAll(() => {
	for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempFile(name: string, content: object): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-event-types-'));
	tempDirs.push(dir);
	const file = path.join(dir, name);
	fs.writeFileSync(file, JSON.stringify(content));
	return file;
}

describe('the committed catalog, nodes/events/eventTypeCatalog.json', () => {
	const text = fs.readFileSync(CATALOG_FILE, 'utf8');
	const committed = JSON.parse(text) as Catalog;

	it('says where it came from and what wrote it', () => {
		expect(committed.source).toEqual({
			url: rawUrl(committed.source.commit!),
			commit: expect.stringMatching(/^[0-9a-f]{40}$/),
			date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/),
			release: expect.any(String),
			generatedBy: 'scripts/okta-event-types.ts',
		});
	});

	it('is in the generator’s format, byte for byte', () => {
		expect(serializeCatalog(committed)).toBe(text);
	});

	it('has well-formed rows with unique ids, sorted, and no internal type', () => {
		const ids = committed.eventTypes.map(([id]) => id);
		expect(ids).toEqual([...ids].sort());
		expect(new Set(ids).size).toBe(ids.length);
		for (const [id, name, category, flags] of committed.eventTypes) {
			expect(id).toMatch(/^[A-Za-z0-9_.-]+$/);
			expect(name).not.toBe('');
			expect(name.length).toBeLessThanOrEqual(100);
			expect(name).not.toMatch(/\s\s|^\s|\s$|\.$/);
			expect(category).not.toBe('');
			expect([0, FLAG_EVENT_HOOK, FLAG_BETA, FLAG_EVENT_HOOK | FLAG_BETA]).toContain(flags);
		}
		expect(ids.filter((id) => /(^|\.)internal\./.test(id))).toEqual([]);
	});

	it('reads the same through nodes/events/eventTypeCatalog.ts (same flag bits)', () => {
		for (const [id, name, category, flags] of committed.eventTypes) {
			expect(findEventType(id)).toEqual({
				id,
				name,
				category,
				eventHook: (flags & FLAG_EVENT_HOOK) !== 0,
				beta: (flags & FLAG_BETA) !== 0,
			});
		}
	});

	it('passes --check against an Okta file with the same content (a round trip)', () => {
		// Okta's file (2.4 MB) is not vendored: rebuild one the catalog is made from.
		const rebuilt = oktaFile(
			committed.eventTypes.map(([id, name, category, flags]) =>
				type(id, {
					category,
					description: name === id ? '' : `${name}. Further text.`,
					beta: (flags & FLAG_BETA) !== 0,
					tags: flags & FLAG_EVENT_HOOK ? ['event-hook-eligible'] : [],
				}),
			),
		);
		Object.assign(rebuilt, { release: committed.source.release });
		const from = tempFile('event-types.json', rebuilt);
		const { commit, date } = committed.source;
		const run = runScript('--from', from, '--commit', commit!, '--date', date!, '--check');
		expect(run).toMatchObject({ status: 0, stderr: '' });
		expect(run.stdout).toContain('nodes/events/eventTypeCatalog.json is up to date');
		expect(fs.readFileSync(CATALOG_FILE, 'utf8')).toBe(text);
	});

	it('fails --check with the ids that differ, writing nothing', () => {
		const from = tempFile('event-types.json', oktaFile());
		const run = runScript('--from', from, '--check');
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('nodes/events/eventTypeCatalog.json differs from what');
		expect(run.stderr).toMatch(/removed \(\d+\):\n {2}access\./);
		expect(run.stderr).toContain('changed (');
		expect(run.stderr).toContain('Run npx tsx scripts/okta-event-types.ts');
		expect(fs.readFileSync(CATALOG_FILE, 'utf8')).toBe(text);
	});

	it('is never imported by the nodes: they read the JSON through nodes/events/eventTypeCatalog.ts', () => {
		const sources = (dir: string): string[] =>
			fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
				const file = path.join(dir, entry.name);
				return entry.isDirectory() ? sources(file) : file.endsWith('.ts') ? [file] : [];
			});
		const nodes = sources(path.join(REPO_ROOT, 'nodes'));
		expect(
			nodes.filter((file) => /from '[./]*scripts\//.test(fs.readFileSync(file, 'utf8'))),
		).toEqual([]);
	});
});
