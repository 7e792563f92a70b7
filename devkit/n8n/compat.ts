/**
 * The n8n releases the compatibility matrix runs (`npm run test:compat`): the supported range's
 * ends (from the package's own declaration) and the releases measured around and inside it.
 */
import { SUPPORTED_N8N } from '../../nodes/n8n/compatibility';

export const OLDEST_N8N: string = SUPPORTED_N8N.oldest;
export const NEWEST_N8N: string = SUPPORTED_N8N.newest;

/**
 * Every release the matrix installs and runs, oldest first. 1.123.81 and 2.0.0 lie below the
 * range (n8n answers Okta before the execution exists); they stay in the matrix to show why.
 * Not installable here: 2.8.0 (n8n-core 2.8.0 missing), 2.10.0 (@n8n/ai-utilities 0.4.0
 * missing), 2.41.3 (pinned @n8n/* packages missing).
 */
export const MATRIX_N8N: readonly string[] = [
	'1.123.81',
	'2.0.0',
	OLDEST_N8N,
	'2.20.12',
	'2.30.8',
	NEWEST_N8N,
];

/** Whether release `a` comes before release `b` (x.y.z). */
export function isOlderRelease(a: string, b: string): boolean {
	const [x, y] = [a, b].map((version) => version.split('.').map(Number));
	for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i];
	return false;
}
