#!/usr/bin/env node
// Runs n8n's own community-package scanner (@n8n/scan-community-package) the way it scans a
// published package, without publishing: its source leg on this repository's nodes/credentials,
// its tarball leg on the output of `npm pack`. Exits non-zero on any violation.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-mfa-scan-'));
try {
	const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
		cwd: root,
		encoding: 'utf8',
	})
		.trim()
		.split('\n')
		.pop();
	const packageDir = path.join(work, 'package');
	fs.mkdirSync(packageDir);
	execFileSync('tar', ['-xzf', path.join(work, tarball), '-C', packageDir, '--strip-components=1']);

	const results = [
		['source', await analyzePackage(root, SOURCE_FILE_PATTERNS)],
		['tarball', await analyzePackage(packageDir, ['**/*.js', 'package.json'])],
	];
	let passed = true;
	for (const [leg, result] of results) {
		console.log(
			`${result.passed ? 'passed' : 'FAILED'}: n8n community package scan, ${leg}${result.message ? ` (${result.message})` : ''}`,
		);
		if (result.details) console.log(result.details);
		passed &&= result.passed;
	}
	process.exitCode = passed ? 0 : 1;
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
