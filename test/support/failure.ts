/** The error a promise rejects with; a test that expected a failure fails if it resolves. */
export async function failure(
	promise: Promise<unknown>,
): Promise<Error & { description?: string; httpCode?: string }> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected a failure');
}
