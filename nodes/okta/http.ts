/** What every request to Okta shares, whoever sends it: the org's base URL, the timeout, header reading. */

/** Okta itself gives up on a request after 30 s (the System Log says so); so do we. */
export const OKTA_TIMEOUT_MS = 30_000;

/** The org URL as typed by the user, as a base for paths: no surrounding spaces, no trailing slash. */
export function normaliseOrgUrl(url: unknown): string {
	return String(url ?? '')
		.trim()
		.replace(/\/+$/, '');
}

export type HttpHeaders = Record<string, unknown>;

/** One header's value, whatever its name's case; the first when it came several times. */
export function headerValue(headers: HttpHeaders, name: string): string | undefined {
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== wanted || value === undefined || value === null) continue;
		return Array.isArray(value) ? (value.length ? String(value[0]) : undefined) : String(value);
	}
	return undefined;
}
