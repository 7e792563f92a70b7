/* eslint-disable @typescript-eslint/no-explicit-any -- untyped JSON from n8n's and Okta's APIs, as in test/ and scripts/ */
/** Renders docs/BENCHMARKS.md from bench/run.ts's results (`tsx bench/report.ts [results.json]` re-renders). */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function renderReport(results: any): string {
	return `# Benchmarks\n\n\`\`\`json\n${JSON.stringify(results, null, 2)}\n\`\`\`\n`;
}

if (require.main === module) {
	const root = path.resolve(__dirname, '..');
	const input = process.argv[2] ?? path.join(root, '.cache', 'bench', 'results.json');
	const results = JSON.parse(fs.readFileSync(input, 'utf8'));
	fs.writeFileSync(path.join(root, 'docs', 'BENCHMARKS.md'), renderReport(results));
}
