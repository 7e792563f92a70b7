/**
 * `npm run test:compat`: the compatibility matrix. For each n8n release in devkit/n8n/compat.ts
 * (or the ones given), installs it once into .cache/n8n-<version>, runs the real-n8n suites in it
 * with the built package, keeps the counts in docs/compat.json (merged run by run), and prints the
 * table (n8n release × suite) that the README's "Compatibility" section holds.
 *
 *   npm run build && npm run test:compat               # every release in the matrix
 *   npm run test:compat -- 2.8.4 2.41.1                # only these
 *   npm run test:compat -- --suites trigger,recovery   # only these suites
 *   npm run test:compat -- --table-only                # table from the results already there
 *   npm run test:compat -- --write-readme              # also replace the README's table
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MATRIX_N8N, NEWEST_N8N, OLDEST_N8N, isOlderRelease } from '../devkit/n8n/compat';

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, '.cache', 'compat');
const README = path.join(ROOT, 'README.md');
const START = '<!-- compat:start (npm run test:compat -- --write-readme) -->';
const END = '<!-- compat:end -->';

/** Column → e2e file and what it proves (the README's header row). */
export const SUITES: Record<string, { file: string; proves: string }> = {
	trigger: {
		file: 'trigger.test.ts',
		proves: 'publish/unpublish, delivery → items, 401/400, restart, Listen for test event',
	},
	recovery: { file: 'recovery.test.ts', proves: '200 only once the execution exists; recovery' },
	state: {
		file: 'recoveryState.test.ts',
		proves: "210 deliveries, 3 restarts: each delivery's recovery state saved, nothing twice",
	},
	legacy: { file: 'legacy-activation.test.ts', proves: 'activation without publication service' },
	oauth: { file: 'oauth.test.ts', proves: 'OAuth 2.0 service app (DPoP)' },
	preview: { file: 'preview.test.ts', proves: "Okta's Preview as a test event" },
	polling: { file: 'pollTrigger.test.ts', proves: 'polling trigger: cursor across restarts' },
	editor: { file: 'editor.test.ts', proves: 'the editor loads the nodes and the example' },
	okta: {
		file: 'oktaTrigger.test.ts',
		proves:
			'Okta Trigger pair: chosen types only, recovery of both, selection replaced, one log read a poll',
	},
};

interface JestResult {
	testResults: { name: string; assertionResults: { status: string; title: string }[] }[];
}

/**
 * What the matrix measured, per release and e2e file: tests passed and failed. Kept in the
 * repository (docs/compat.json), merged run by run, so the table needs no re-run of every release.
 */
type Summary = Record<string, Record<string, { passed: number; failed: number }>>;
const SUMMARY = path.join(ROOT, 'docs', 'compat.json');

function readSummary(): Summary {
	return fs.existsSync(SUMMARY) ? (JSON.parse(fs.readFileSync(SUMMARY, 'utf8')) as Summary) : {};
}

function cell(version: string, file: string): string {
	const counts = readSummary()[version]?.[file];
	if (!counts) return '–';
	if (counts.failed === 0 && counts.passed > 0) return `✅ ${counts.passed}`;
	return `❌ ${counts.failed} of ${counts.passed + counts.failed}`;
}

function support(version: string): string {
	if (isOlderRelease(version, OLDEST_N8N)) return 'no: answers Okta before the execution exists';
	return version === OLDEST_N8N ? 'yes (oldest)' : version === NEWEST_N8N ? 'yes (newest)' : 'yes';
}

export function table(versions: readonly string[]): string {
	const columns = Object.keys(SUITES);
	const lines = [
		`| n8n | supported | ${columns.join(' | ')} |`,
		`|---|---|${columns.map(() => '---').join('|')}|`,
	];
	for (const version of versions) {
		const cells = columns.map((c) => cell(version, SUITES[c].file));
		lines.push(`| ${version} | ${support(version)} | ${cells.join(' | ')} |`);
	}
	lines.push('');
	lines.push(
		'Cells: tests passed (✅) or failed (❌) in that suite, `–` not run. ' +
			columns.map((c) => `*${c}*: ${SUITES[c].proves}`).join('; ') +
			'.',
	);
	return lines.join('\n');
}

/** The table of every matrix release measured (and those just run). */
export function matrixTable(alsoRun: readonly string[] = []): string {
	return table(MATRIX_N8N.filter((v) => readSummary()[v] || alsoRun.includes(v)));
}

/** The README's table as it stands. */
export function readmeTable(): string {
	const readme = fs.readFileSync(README, 'utf8');
	const from = readme.indexOf(START);
	const to = readme.indexOf(END);
	if (from < 0 || to < 0) throw new Error(`README has no ${START} … ${END} section`);
	return readme.slice(from + START.length, to).trim();
}

/** A run of some suites replaces those suites' counts for the release and keeps the others. */
function mergeResult(version: string, runFile: string): void {
	if (!fs.existsSync(runFile)) return;
	const run = JSON.parse(fs.readFileSync(runFile, 'utf8')) as JestResult;
	const summary = readSummary();
	const release = (summary[version] ??= {});
	for (const suite of run.testResults) {
		const count = (status: string) =>
			suite.assertionResults.filter((a) => a.status === status).length;
		release[path.basename(suite.name)] = { passed: count('passed'), failed: count('failed') };
	}
	const ordered = Object.fromEntries(
		Object.keys(summary)
			.sort((a, b) => (isOlderRelease(a, b) ? -1 : isOlderRelease(b, a) ? 1 : 0))
			.map((v) => [v, summary[v]]),
	);
	fs.writeFileSync(SUMMARY, JSON.stringify(ordered, null, '\t') + '\n');
	fs.rmSync(runFile);
}

function runMatrix(versions: readonly string[], suites: string[]): void {
	fs.mkdirSync(RESULTS, { recursive: true });
	for (const version of versions) {
		const env = { ...process.env, N8N_TEST_VERSION: version };
		const started = Date.now();
		const install = spawnSync('npx', ['tsx', 'scripts/n8n-install.ts'], {
			cwd: ROOT,
			env,
			stdio: 'inherit',
		});
		if (install.status !== 0) {
			console.log(`[compat] n8n ${version} does not install here; skipped`);
			continue;
		}
		const files = suites.map((s) => `test/e2e/${SUITES[s].file}`);
		const output = path.join(RESULTS, `${version}.run.json`);
		spawnSync(
			'npx',
			[
				'jest',
				'-c',
				'jest.e2e.config.js',
				'--runInBand',
				'--json',
				`--outputFile=${output}`,
				...files,
			],
			{ cwd: ROOT, env, stdio: 'inherit' },
		);
		mergeResult(version, output);
		console.log(`[compat] n8n ${version}: ${Math.round((Date.now() - started) / 1000)} s`);
	}
}

function main(): void {
	const args = process.argv.slice(2);
	const suitesArg = args.indexOf('--suites');
	const suites = suitesArg >= 0 ? args[suitesArg + 1].split(',') : Object.keys(SUITES);
	const versions = args.filter(
		(a, i) => /^\d+\.\d+\.\d+$/.test(a) && !(suitesArg >= 0 && i === suitesArg + 1),
	);
	const matrix = versions.length > 0 ? versions : MATRIX_N8N;
	if (!args.includes('--table-only')) runMatrix(matrix, suites);
	const rendered = matrixTable(matrix);
	console.log(rendered);
	if (args.includes('--write-readme')) {
		const readme = fs.readFileSync(README, 'utf8');
		const from = readme.indexOf(START);
		const to = readme.indexOf(END);
		if (from < 0 || to < 0) throw new Error(`README has no ${START} … ${END} section`);
		fs.writeFileSync(
			README,
			readme.slice(0, from + START.length) + '\n' + rendered + '\n' + readme.slice(to),
		);
		console.log('[compat] README table replaced');
	}
}

if (require.main === module) main();
