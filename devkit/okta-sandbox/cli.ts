/**
 * npm run sandbox [-- --port 8443] [--token X]      start a sandbox, stay up until Ctrl-C
 * npm run sandbox -- emit --url <url> [--count N] [--hook-id ID] [--event-type T[,T2…]]
 *                                                   Okta records events and delivers them to the
 *                                                   hooks subscribed to their type (MFA
 *                                                   preregistration by default; --event-type: any
 *                                                   types of Okta's catalog, --count of each)
 * npm run sandbox -- features --url <url> [--event-hook-filters on|off]
 *                                                   show or set the org's Early Access features
 * npm run sandbox -- preview --url <url> [--hook-id ID] [--event-type T]
 *                                                   the Admin Console's Preview → Deliver Request:
 *                                                   one event (latest of the type, else a sample)
 *                                                   to the hook; without --hook-id, to the newest
 *                                                   "Listen for test event" hook
 * npm run sandbox -- log --url <url> [--count N] [--lag SECONDS] [--event-type T]
 *                                                   persist events in the System Log without
 *                                                   delivering them (a backlog; --lag: published
 *                                                   that long ago, persisted now)
 * Env alternatives: OKTA_SANDBOX_PORT, OKTA_SANDBOX_TOKEN, OKTA_SANDBOX_URL (for emit).
 */
import * as https from 'https';
import { getTestPki } from './pki';
import { findTestHook } from './preview';
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
			'Events of any Okta event types (logged, and delivered to the hooks subscribed to them):',
			`  npm run sandbox -- emit --url ${sandbox.url} --event-type user.lifecycle.create,group.user_membership.add`,
			'Turn on the Early Access feature "event hook filters":',
			`  npm run sandbox -- features --url ${sandbox.url} --event-hook-filters on`,
			'Okta\'s Preview (Deliver Request) to the newest "Listen for test event" hook:',
			`  npm run sandbox -- preview --url ${sandbox.url}`,
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

/** One call to a running sandbox's control API; the answer printed as JSON unless `quiet`. */
async function control(
	url: string,
	method: 'GET' | 'POST',
	path: string,
	payload?: unknown,
	quiet = false,
): Promise<{ status: number; json: unknown }> {
	const { caCertPem } = getTestPki();
	const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
		const req = https.request(
			new URL(`/__sandbox${path}`, url),
			{ method, ca: caCertPem, headers: { 'Content-Type': 'application/json' } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
				);
			},
		);
		req.on('error', reject);
		req.end(payload === undefined ? undefined : JSON.stringify(payload));
	});
	let json: unknown;
	try {
		json = JSON.parse(answer.text);
	} catch {
		json = undefined;
	}
	if (!quiet || answer.status >= 400)
		console.log(json === undefined ? answer.text : JSON.stringify(json, null, 2));
	if (answer.status >= 400) process.exitCode = 1;
	return { status: answer.status, json };
}

function sandboxUrl(flags: Record<string, string>, command: string): string {
	const url = flags.url ?? process.env.OKTA_SANDBOX_URL;
	if (!url) throw new Error(`${command} needs --url <sandbox url>`);
	return url;
}

async function emit(flags: Record<string, string>): Promise<void> {
	const payload: Record<string, unknown> = { count: Number(flags.count ?? 1) };
	if (flags['hook-id']) payload.hookId = flags['hook-id'];
	const types = (flags['event-type'] ?? '')
		.split(',')
		.map((t) => t.trim())
		.filter(Boolean);
	if (types.length) payload.eventTypes = types;
	const url = sandboxUrl(flags, 'emit');
	const { status, json } = await control(url, 'POST', types.length ? '/emit' : '/events', payload);
	const deliveries = types.length ? (json as { deliveries?: unknown[] })?.deliveries : json;
	if (status < 400 && Array.isArray(deliveries) && deliveries.length === 0) {
		console.error(
			'No hook received the events (none ACTIVE and VERIFIED, subscribed, and letting them through its filter).',
		);
	}
}

async function features(flags: Record<string, string>): Promise<void> {
	const url = sandboxUrl(flags, 'features');
	const wanted = flags['event-hook-filters'];
	if (wanted === undefined) {
		await control(url, 'GET', '/features');
		return;
	}
	if (!['on', 'off', 'true', 'false'].includes(wanted))
		throw new Error('--event-hook-filters takes on or off');
	await control(url, 'POST', '/features', {
		eventHookFilters: wanted === 'on' || wanted === 'true',
	});
}

async function preview(flags: Record<string, string>): Promise<void> {
	const url = sandboxUrl(flags, 'preview');
	let hookId = flags['hook-id'];
	if (!hookId) {
		const { json } = await control(url, 'GET', '/hooks', undefined, true);
		hookId = findTestHook(json as Array<{ id: string; name: string; created: string }>)?.id ?? '';
		if (!hookId)
			throw new Error(
				'No "Listen for test event" hook (name ending in "test]"): click it in n8n first, or pass --hook-id',
			);
	}
	const payload: Record<string, unknown> = { hookId };
	if (flags['event-type']) payload.eventType = flags['event-type'];
	await control(url, 'POST', '/preview', payload);
}

async function log(flags: Record<string, string>): Promise<void> {
	const payload: Record<string, unknown> = { count: Number(flags.count ?? 1) };
	if (flags.lag !== undefined) payload.lagSeconds = Number(flags.lag);
	if (flags['event-type']) payload.eventType = flags['event-type'];
	const { status, json } = await control(sandboxUrl(flags, 'log'), 'POST', '/logs', payload, true);
	if (status < 400)
		console.log(`${(json as { added: number }).added} events added to the System Log`);
}

async function main(): Promise<void> {
	const { command, flags } = args(process.argv.slice(2));
	if (command === 'start') return start(flags);
	if (command === 'emit') return emit(flags);
	if (command === 'preview') return preview(flags);
	if (command === 'log') return log(flags);
	if (command === 'features') return features(flags);
	throw new Error(
		`unknown command ${command}; use no command (start), "emit", "preview", "log" or "features"`,
	);
}

main().catch((err) => {
	console.error(err instanceof Error ? err.message : err);
	process.exit(1);
});
