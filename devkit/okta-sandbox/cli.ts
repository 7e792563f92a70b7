/**
 * npm run sandbox [-- --port 8443] [--token X]      start a sandbox, stay up until Ctrl-C
 * npm run sandbox -- emit --url <url> [--count N] [--hook-id ID]
 *                                                   deliver events through a running sandbox
 * Env alternatives: OKTA_SANDBOX_PORT, OKTA_SANDBOX_TOKEN, OKTA_SANDBOX_URL (for emit).
 */
import * as https from 'https';
import { getTestPki } from './pki';
import { startOktaSandbox } from './server';

function args(argv: string[]): { command: string; flags: Record<string, string> } {
	const flags: Record<string, string> = {};
	let command = 'start';
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a.startsWith('--')) {
			const [key, inline] = a.slice(2).split('=', 2);
			flags[key] = inline ?? argv[++i] ?? '';
		} else command = a;
	}
	return { command, flags };
}

async function start(flags: Record<string, string>): Promise<void> {
	const port = Number(flags.port ?? process.env.OKTA_SANDBOX_PORT ?? 0);
	const token = flags.token ?? process.env.OKTA_SANDBOX_TOKEN;
	const sandbox = await startOktaSandbox({ port, token });
	console.log(
		[
			'Okta sandbox running',
			`  URL:     ${sandbox.url}`,
			`  Token:   ${sandbox.token}   (Authorization: SSWS <token>)`,
			`  CA cert: ${sandbox.caCertPath}   (NODE_EXTRA_CA_CERTS for clients)`,
			'',
			'Deliver one MFA preregistration event to every active, verified hook:',
			`  curl --cacert ${sandbox.caCertPath} -X POST ${sandbox.url}/__sandbox/events -H 'content-type: application/json' -d '{"count":1}'`,
			`  or: npm run sandbox -- emit --url ${sandbox.url} --count 1`,
			'List hooks (secrets included):',
			`  curl --cacert ${sandbox.caCertPath} ${sandbox.url}/__sandbox/hooks`,
			'',
			'Ctrl-C to stop.',
		].join('\n'),
	);
	const stop = () => {
		sandbox.close().finally(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

async function emit(flags: Record<string, string>): Promise<void> {
	const url = flags.url ?? process.env.OKTA_SANDBOX_URL;
	if (!url) throw new Error('emit needs --url <sandbox url>');
	const payload: Record<string, unknown> = { count: Number(flags.count ?? 1) };
	if (flags['hook-id']) payload.hookId = flags['hook-id'];
	const body = JSON.stringify(payload);
	const { caCertPem } = getTestPki();
	const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
		const req = https.request(
			new URL('/__sandbox/events', url),
			{ method: 'POST', ca: caCertPem, headers: { 'Content-Type': 'application/json' } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
				);
			},
		);
		req.on('error', reject);
		req.end(body);
	});
	let pretty = answer.text;
	try {
		pretty = JSON.stringify(JSON.parse(answer.text), null, 2);
	} catch {
		// not JSON: print as is
	}
	console.log(pretty);
	if (answer.status >= 400) process.exitCode = 1;
	else if (Array.isArray(JSON.parse(answer.text)) && JSON.parse(answer.text).length === 0) {
		console.error('No hook received the events (none ACTIVE and VERIFIED and subscribed).');
	}
}

async function main(): Promise<void> {
	const { command, flags } = args(process.argv.slice(2));
	if (command === 'start') return start(flags);
	if (command === 'emit') return emit(flags);
	throw new Error(`unknown command ${command}; use no command (start) or "emit"`);
}

main().catch((err) => {
	console.error(err instanceof Error ? err.message : err);
	process.exit(1);
});
