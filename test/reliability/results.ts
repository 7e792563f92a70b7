/**
 * Figures the reliability suites measure, written to .cache/reliability/<suite>.json (gitignored)
 * so `npm run reliability` can render docs/RELIABILITY.md. The tests assert the goals themselves;
 * these files only carry the counts and table rows to the report.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../devkit/paths';

export const RESULTS_DIR =
	process.env.RELIABILITY_RESULTS_DIR ?? path.join(REPO_ROOT, '.cache', 'reliability');

export function recordFigures(suite: string, figures: Record<string, unknown>): void {
	fs.mkdirSync(RESULTS_DIR, { recursive: true });
	const file = path.join(RESULTS_DIR, `${suite}.json`);
	fs.writeFileSync(
		file,
		`${JSON.stringify({ suite, recordedAt: new Date().toISOString(), ...figures }, null, '\t')}\n`,
	);
}

/** Every place a secret could surface in a thrown error: message, description, JSON, stack, cause chain. */
export function errorText(error: unknown): string {
	const parts: string[] = [];
	let current = error as
		(Error & { description?: unknown; cause?: unknown; context?: unknown }) | undefined;
	for (let depth = 0; current && depth < 8; depth++) {
		parts.push(
			String(current.message),
			String(current.description ?? ''),
			String(current.stack ?? ''),
		);
		try {
			parts.push(JSON.stringify(current));
		} catch {
			parts.push('[unserialisable]');
		}
		try {
			parts.push(JSON.stringify(current.context ?? null));
		} catch {
			parts.push('[unserialisable context]');
		}
		current = current.cause as typeof current;
	}
	return parts.join('\n');
}
