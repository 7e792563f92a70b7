import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../../devkit/paths';

function checkWorkflows(...args: string[]) {
	const run = spawnSync(process.execPath, ['scripts/check-workflows.mjs', ...args], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
		timeout: 60000,
	});
	return { status: run.status, output: run.stdout + run.stderr };
}

function workflowDir(files: Record<string, string>): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workflows-'));
	for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
	return dir;
}

describe('scripts/check-workflows.mjs (actionlint)', () => {
	it("passes the repository's CI and publish workflows", () => {
		const run = checkWorkflows();
		expect(run).toMatchObject({ status: 0 });
		expect(run.output).toContain('.github/workflows/ci.yml: ok');
		expect(run.output).toContain('.github/workflows/publish.yml: ok');
	});

	it('fails on a workflow with a bad permission or expression, saying where', () => {
		const dir = workflowDir({
			'release.yml': [
				'on: push',
				'jobs:',
				'  publish:',
				'    runs-on: ubuntu-latest',
				'    permissions:',
				'      id-token: writ',
				'    steps:',
				'      - run: echo ${{ github.nope }}',
				'',
			].join('\n'),
		});
		const run = checkWorkflows(dir);
		expect(run.status).toBe(1);
		expect(run.output).toMatch(/release\.yml:6:\d+: "writ" is invalid for permission/);
		expect(run.output).toMatch(/release\.yml:8:\d+: property "nope" is not defined/);
	});

	it('fails when there is no workflow file to check', () => {
		const run = checkWorkflows(workflowDir({ 'notes.txt': 'no workflow here' }));
		expect(run.status).toBe(1);
		expect(run.output).toContain('no workflow files');
	});
});
