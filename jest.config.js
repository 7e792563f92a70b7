/** Unit and integration tests: the node's code against the Okta sandbox over real HTTPS. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	// Types are checked once by `npm run lint` (tsc); per-file transpiling keeps `npm test` fast.
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	// Most suites wait on the sandbox (timers, TLS, Okta's verification call) more than they compute:
	// three workers overlap those waits on a 2-core machine (jest's default there is one).
	maxWorkers: 3,
	// A hang still fails; three workers on two busy cores slow the process-spawning suites.
	testTimeout: 60000,
};
