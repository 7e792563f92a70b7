/**
 * n8n wraps what went wrong (NodeApiError → axios error → system error); the useful part may sit a
 * few `cause` links down. Returns the first non-undefined `pick` along the chain.
 */
export function findInCauseChain<T>(
	error: unknown,
	pick: (link: Record<string, unknown>) => T | undefined,
): T | undefined {
	let link = error as Record<string, unknown> | undefined;
	for (let depth = 0; link && typeof link === 'object' && depth < 4; depth++) {
		const found = pick(link);
		if (found !== undefined) return found;
		link = link.cause as Record<string, unknown> | undefined;
	}
	return undefined;
}

/** The system error code (ECONNREFUSED, ETIMEDOUT, CERT_HAS_EXPIRED, …) in the chain. */
export function networkErrorCode(error: unknown): string | undefined {
	const isCode = (value: unknown) =>
		typeof value === 'string' && /^[A-Z][A-Z0-9_]+$/.test(value) ? value : undefined;
	// n8n-workflow 2.8's NodeApiError keeps no cause, only the code it found, as `httpCode`.
	return findInCauseChain(error, ({ code, httpCode }) => isCode(code) ?? isCode(httpCode));
}
