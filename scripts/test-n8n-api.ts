/**
 * `npm run test:n8n-api -- oldest|newest|<version>`: type-checks the package and runs its node and
 * credential unit tests against the `n8n-workflow` and `n8n-core` that a given n8n release ships
 * (the ones in its runtime, .cache/n8n-<version>, installed once as for the end-to-end tests).
 * The devDependencies pin the newest; this run on the oldest supported release keeps an API that
 * only newer n8n releases have from slipping into the package. CI runs it on the oldest.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NEWEST_N8N, OLDEST_N8N } from '../devkit/n8n/compat';
import { getTestPki } from '../devkit/okta-sandbox/pki';
import { REPO_ROOT } from '../devkit/paths';

const which = process.argv[2] ?? 'oldest';
const version = which === 'oldest' ? OLDEST_N8N : which === 'newest' ? NEWEST_N8N : which;
if (!/^\d+\.\d+\.\d+$/.test(version))
	throw new Error('usage: test-n8n-api.ts oldest|newest|<x.y.z>');

const env: NodeJS.ProcessEnv = { ...process.env, N8N_TEST_VERSION: version };
function run(command: string, args: string[]): void {
	const result = spawnSync(command, args, { cwd: REPO_ROOT, env, stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

run('npx', ['tsx', 'scripts/n8n-install.ts']);
const modules = path.join(REPO_ROOT, '.cache', `n8n-${version}`, 'node_modules');
const packages = ['n8n-workflow', 'n8n-core'];
const versions = packages.map(
	(name) =>
		`${name} ${(JSON.parse(fs.readFileSync(path.join(modules, name, 'package.json'), 'utf8')) as { version: string }).version}`,
);
console.log(`[n8n-api] n8n ${version}: ${versions.join(', ')}`);

// Types: the published code (tsconfig.json's sources) resolved against that release's packages.
const tsconfig = path.join(REPO_ROOT, '.cache', `tsconfig.n8n-${version}.json`);
fs.writeFileSync(
	tsconfig,
	JSON.stringify(
		{
			extends: path.join(REPO_ROOT, 'tsconfig.json'),
			compilerOptions: {
				noEmit: true,
				baseUrl: REPO_ROOT,
				paths: Object.fromEntries(packages.map((name) => [name, [path.join(modules, name)]])),
			},
			include: ['credentials/**/*', 'nodes/**/*'].map((glob) => path.join(REPO_ROOT, glob)),
		},
		null,
		2,
	),
);
run('npx', ['tsc', '-p', tsconfig]);
console.log(`[n8n-api] types: the package compiles against n8n ${version}'s packages`);

// Behaviour: the node and credential tests with every import of those packages (and of the DI
// container and logger they share with the devkit) sent there. Releases before n8n-core's
// OutboundHttp service (2.8 has none) send requests straight through axios: they trust the Okta
// sandbox's authority by NODE_EXTRA_CA_CERTS.
const shared = [...packages, '@n8n/di', '@n8n/backend-common'].filter((name) =>
	fs.existsSync(path.join(modules, name)),
);
env.NODE_EXTRA_CA_CERTS = getTestPki().caCertPath;
env.N8N_CORE_TRUST_FROM_ENV = '1';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const base = require(path.join(REPO_ROOT, 'jest.config.js')) as Record<string, unknown>;
const config = {
	...base,
	rootDir: REPO_ROOT,
	moduleNameMapper: Object.fromEntries(
		shared.map((name) => [`^${name}(/.*)?$`, `${path.join(modules, name)}$1`]),
	),
};
run('npx', ['jest', '--config', JSON.stringify(config), 'test/nodes', 'test/credentials']);
