import { startOktaSandbox, type OktaSandbox } from '../../../devkit/okta-sandbox';
import { expectOktaSchema } from '../../../devkit/okta-spec/schemas';
import {
	apiClient,
	createBody,
	expectRecordedResponsesMatchSpec,
	request,
} from '../../../devkit/okta-sandbox/apiClient';

let sb: OktaSandbox;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
	sb = await startOktaSandbox({ token: 'test-token' });
	api = apiClient(sb);
});
afterEach(() => {
	expectRecordedResponsesMatchSpec(sb.requests);
	sb.reset();
});
afterAll(() => sb.close());

const URI = 'https://127.0.0.1:1/webhook/okta';

describe('authentication and common headers', () => {
	it('exposes url, token and CA', () => {
		expect(sb.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
		expect(sb.token).toBe('test-token');
		expect(sb.caCertPem).toContain('BEGIN CERTIFICATE');
	});

	it.each([
		['no header', undefined],
		['wrong token', 'SSWS nope'],
		['bearer', 'Bearer test-token'],
		['lower-case scheme', 'ssws test-token'],
	])('401 E0000011 for %s', async (_label, authorization) => {
		const r = await request(sb, 'GET', '/api/v1/eventHooks', { authorization });
		expect(r.status).toBe(401);
		expect(r.json).toMatchObject({
			errorCode: 'E0000011',
			errorSummary: 'Invalid token provided',
			errorLink: 'E0000011',
			errorCauses: [],
		});
		expect(r.json.errorId).toMatch(/^oae\w+/);
	});

	it('answers JSON with rate limit headers and Date', async () => {
		const r = await api('GET', '/api/v1/eventHooks');
		expect(r.status).toBe(200);
		expect(r.json).toEqual([]);
		expect(r.headers['content-type']).toBe('application/json');
		expect(r.headers['x-rate-limit-limit']).toBe('100');
		expect(Number(r.headers['x-rate-limit-remaining'])).toBeLessThan(100);
		const reset = Number(r.headers['x-rate-limit-reset']);
		expect(reset).toBeGreaterThan(Date.now() / 1000);
		expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 61);
		expect(Number.isNaN(Date.parse(String(r.headers.date)))).toBe(false);
		expect(r.headers['retry-after']).toBeUndefined();
	});

	it('unknown routes answer 404, wrong methods 405 E0000022', async () => {
		const a = await api('GET', '/api/v1/nothingHere');
		expect(a.status).toBe(404);
		expect(a.json.errorCode).toBe('E0000007');
		const b = await api('PATCH', '/api/v1/eventHooks');
		expect(b.status).toBe(405);
		expect(b.json.errorCode).toBe('E0000022');
		expect(sb.requests.map((r) => r.op)).toEqual(['other', 'other']);
	});

	it('malformed JSON answers 400 E0000003 and the server keeps running', async () => {
		const r = await request(sb, 'POST', '/api/v1/eventHooks', {
			raw: '{"name": ',
			token: sb.token,
		});
		expect(r.status).toBe(400);
		expect(r.json).toMatchObject({
			errorCode: 'E0000003',
			errorSummary: 'The request body was not well-formed.',
		});
		const empty = await request(sb, 'POST', '/api/v1/eventHooks', { raw: '', token: sb.token });
		expect(empty.json.errorCode).toBe('E0000003');
		expect((await api('GET', '/api/v1/eventHooks')).status).toBe(200);
	});
});

describe('create', () => {
	it('creates ACTIVE and UNVERIFIED, never returns the secret, returns custom headers', async () => {
		const r = await api('POST', '/api/v1/eventHooks', createBody(URI, { name: 'n8n hook' }));
		expect(r.status).toBe(200);
		const hook = r.json;
		expect(hook.id).toMatch(/^who[A-Za-z0-9]{17}$/);
		expect(hook).toMatchObject({
			status: 'ACTIVE',
			verificationStatus: 'UNVERIFIED',
			name: 'n8n hook',
			createdBy: expect.any(String),
		});
		expect(hook.channel.config.authScheme).toEqual({ type: 'HEADER', key: 'Authorization' });
		expect(hook.channel.config.headers).toEqual([{ key: 'X-Other-Header', value: 'other-value' }]);
		expect(r.text).not.toContain('hook-secret-123');
		expect(hook._links.self.href).toBe(`${sb.url}/api/v1/eventHooks/${hook.id}`);
		expect(Date.parse(hook.created)).not.toBeNaN();
		expectOktaSchema('EventHook', hook, { direction: 'response' });
		// The internal view keeps the secret.
		expect(sb.hook(hook.id)?.channel.config.authScheme?.value).toBe('hook-secret-123');
		expect(sb.requests[0]).toMatchObject({
			op: 'create',
			method: 'POST',
			status: 200,
			path: '/api/v1/eventHooks',
		});
		expect((sb.requests[0].body as any).channel.config.authScheme.value).toBe('hook-secret-123');
	});

	it('the response shape mirrors the spec example RetrieveAnEventHook (same keys)', async () => {
		const r = await api('POST', '/api/v1/eventHooks', createBody(URI));
		expect(Object.keys(r.json).sort()).toEqual(
			[
				'_links',
				'channel',
				'created',
				'createdBy',
				'description',
				'events',
				'id',
				'lastUpdated',
				'name',
				'status',
				'verificationStatus',
			].sort(),
		);
		expect(Object.keys(r.json.channel.config).sort()).toEqual([
			'authScheme',
			'headers',
			'method',
			'uri',
		]);
		expect(r.json.events.filter).toBeNull();
	});

	const cases: Array<[string, Record<string, unknown>, RegExp]> = [
		[
			'http uri',
			{ channel: { type: 'HTTP', version: '1.0.0', config: { uri: 'http://127.0.0.1/x' } } },
			/^channel\.config\.uri: The URI must use HTTPS\.$/,
		],
		[
			'uri with whitespace',
			{ channel: { type: 'HTTP', version: '1.0.0', config: { uri: 'https://a b' } } },
			/^channel\.config\.uri: .*whitespace/,
		],
		[
			'uri too long',
			{
				channel: {
					type: 'HTTP',
					version: '1.0.0',
					config: { uri: `https://x.test/${'a'.repeat(1020)}` },
				},
			},
			/^channel\.config\.uri: .*1024/,
		],
		['missing name', { name: undefined }, /^name: /],
		['blank name', { name: '   ' }, /^name: /],
		['name too long', { name: 'n'.repeat(256) }, /^name: .*255/],
		['no events', { events: undefined }, /^events: /],
		[
			'wrong events.type',
			{ events: { type: 'EVENTS', items: ['system.mfa.preregister.initiate'] } },
			/^events\.type: /,
		],
		['empty items', { events: { type: 'EVENT_TYPE', items: [] } }, /^events\.items: /],
		[
			'too many items',
			{ events: { type: 'EVENT_TYPE', items: Array.from({ length: 301 }, (_, i) => `a.b${i}`) } },
			/^events\.items: .*300/,
		],
		['bad item', { events: { type: 'EVENT_TYPE', items: [''] } }, /^events\.items: /],
		['no channel', { channel: undefined }, /^channel: /],
		[
			'channel type',
			{ channel: { type: 'HTTPS', version: '1.0.0', config: { uri: URI } } },
			/^channel\.type: /,
		],
		[
			'channel version',
			{ channel: { type: 'HTTP', version: '2.0.0', config: { uri: URI } } },
			/^channel\.version: /,
		],
		[
			'authScheme type',
			{
				channel: {
					type: 'HTTP',
					version: '1.0.0',
					config: { uri: URI, authScheme: { type: 'BASIC', key: 'a', value: 'b' } },
				},
			},
			/^channel\.config\.authScheme\.type: /,
		],
		[
			'authScheme without key',
			{
				channel: {
					type: 'HTTP',
					version: '1.0.0',
					config: { uri: URI, authScheme: { type: 'HEADER', value: 'b' } },
				},
			},
			/^channel\.config\.authScheme\.key: /,
		],
		[
			'authScheme without value',
			{
				channel: {
					type: 'HTTP',
					version: '1.0.0',
					config: { uri: URI, authScheme: { type: 'HEADER', key: 'a' } },
				},
			},
			/^channel\.config\.authScheme\.value: /,
		],
	];
	it.each(cases)('400 E0000001 for %s', async (_label, overrides, cause) => {
		const r = await api('POST', '/api/v1/eventHooks', createBody(URI, overrides));
		expect(r.status).toBe(400);
		expect(r.json.errorCode).toBe('E0000001');
		expect(r.json.errorSummary).toBe('Api validation failed: eventHook');
		expect(r.json.errorCauses.map((c: { errorSummary: string }) => c.errorSummary)).toEqual(
			expect.arrayContaining([expect.stringMatching(cause)]),
		);
		expect(sb.hooks()).toHaveLength(0);
	});

	it('names must be unique', async () => {
		expect(
			(await api('POST', '/api/v1/eventHooks', createBody(URI, { name: 'Same' }))).status,
		).toBe(200);
		const r = await api('POST', '/api/v1/eventHooks', createBody(URI, { name: 'same ' }));
		expect(r.status).toBe(400);
		expect(r.json.errorCauses[0].errorSummary).toMatch(/^name: .*already exists/);
	});

	it('caps the org at 25 hooks', async () => {
		for (let i = 0; i < 24; i++) sb.seedHook({ uri: URI });
		expect((await api('POST', '/api/v1/eventHooks', createBody(URI))).status).toBe(200);
		const r = await api('POST', '/api/v1/eventHooks', createBody(URI));
		expect(r.status).toBe(400);
		expect(r.json.errorCode).toBe('E0000001');
		expect(r.json.errorCauses[0].errorSummary).toContain(
			'limit of 25 event hooks has been reached',
		);
		expect(sb.hooks()).toHaveLength(25);
	});

	it('honours the hookLimit option', async () => {
		const small = await startOktaSandbox({ hookLimit: 1 });
		try {
			const client = apiClient(small);
			expect((await client('POST', '/api/v1/eventHooks', createBody(URI))).status).toBe(200);
			const r = await client('POST', '/api/v1/eventHooks', createBody(URI));
			expect(r.json.errorCauses[0].errorSummary).toContain('limit of 1 event hooks');
		} finally {
			await small.close();
		}
	});
});

describe('get, list, replace, lifecycle, delete', () => {
	async function create(overrides: Record<string, unknown> = {}) {
		return (await api('POST', '/api/v1/eventHooks', createBody(URI, overrides))).json;
	}

	it('lists and gets hooks; 404 E0000007 for unknown ids', async () => {
		const a = await create();
		const b = await create();
		const list = await api('GET', '/api/v1/eventHooks');
		expect(list.json.map((h: { id: string }) => h.id)).toEqual([a.id, b.id]);
		expect(list.text).not.toContain('hook-secret-123');
		const got = await api('GET', `/api/v1/eventHooks/${a.id}`);
		expect(got.json).toEqual(a);
		const missing = await api('GET', '/api/v1/eventHooks/whoMissing0000000000');
		expect(missing.status).toBe(404);
		expect(missing.json).toMatchObject({
			errorCode: 'E0000007',
			errorSummary: 'Not found: Resource not found: whoMissing0000000000 (EventHook)',
		});
		expect(sb.requests.map((r) => r.op)).toEqual(['create', 'create', 'list', 'get', 'get']);
	});

	it('PUT replaces, validates like create, and resets verification when the channel changes', async () => {
		const hook = await create({ name: 'Original' });
		sb.updateHook(hook.id, { verificationStatus: 'VERIFIED' });
		const sameChannel = createBody(URI, { name: 'Renamed' });
		let r = await api('PUT', `/api/v1/eventHooks/${hook.id}`, sameChannel);
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({
			name: 'Renamed',
			verificationStatus: 'VERIFIED',
			status: 'ACTIVE',
			created: hook.created,
		});
		r = await api(
			'PUT',
			`/api/v1/eventHooks/${hook.id}`,
			createBody('https://127.0.0.1:2/new', { name: 'Renamed' }),
		);
		expect(r.json.verificationStatus).toBe('UNVERIFIED');
		expect(r.json.channel.config.uri).toBe('https://127.0.0.1:2/new');
		const invalid = await api(
			'PUT',
			`/api/v1/eventHooks/${hook.id}`,
			createBody('http://insecure'),
		);
		expect(invalid.status).toBe(400);
		expect(invalid.json.errorCauses[0].errorSummary).toBe(
			'channel.config.uri: The URI must use HTTPS.',
		);
		expect((await api('PUT', '/api/v1/eventHooks/whoMissing0000000000', sameChannel)).status).toBe(
			404,
		);
		const malformed = await request(sb, 'PUT', `/api/v1/eventHooks/${hook.id}`, {
			raw: 'nope',
			token: sb.token,
		});
		expect(malformed.json.errorCode).toBe('E0000003');
	});

	it('PUT: authScheme must carry its value again; omitting authScheme removes it', async () => {
		const hook = await create();
		const noValue = createBody(URI) as any;
		delete noValue.channel.config.authScheme.value;
		expect((await api('PUT', `/api/v1/eventHooks/${hook.id}`, noValue)).status).toBe(400);
		const newSecret = createBody(URI) as any;
		newSecret.channel.config.authScheme.value = 'rotated';
		expect((await api('PUT', `/api/v1/eventHooks/${hook.id}`, newSecret)).status).toBe(200);
		expect(sb.hook(hook.id)?.channel.config.authScheme?.value).toBe('rotated');
		const none = createBody(URI) as any;
		delete none.channel.config.authScheme;
		const r = await api('PUT', `/api/v1/eventHooks/${hook.id}`, none);
		expect(r.json.channel.config.authScheme).toBeUndefined();
		expect(sb.hook(hook.id)?.channel.config.authScheme).toBeUndefined();
	});

	it('PUT ignores read-only fields sent back (id, status, created)', async () => {
		const hook = await create();
		const body = {
			...createBody(URI, { name: hook.name }),
			id: 'whoOther',
			status: 'INACTIVE',
			created: '2000-01-01T00:00:00.000Z',
		};
		const r = await api('PUT', `/api/v1/eventHooks/${hook.id}`, body);
		expect(r.json).toMatchObject({ id: hook.id, status: 'ACTIVE', created: hook.created });
	});

	it('activate and deactivate answer the hook; links follow the status', async () => {
		const hook = await create();
		const off = await api('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/deactivate`);
		expect(off.status).toBe(200);
		expect(off.json.status).toBe('INACTIVE');
		expect(off.json._links.activate.href).toContain('/lifecycle/activate');
		const on = await api('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/activate`);
		expect(on.json.status).toBe('ACTIVE');
		expect(on.json._links.deactivate.href).toContain('/lifecycle/deactivate');
		expect(
			(await api('POST', '/api/v1/eventHooks/whoMissing0000000000/lifecycle/activate')).status,
		).toBe(404);
		expect((await api('GET', `/api/v1/eventHooks/${hook.id}/lifecycle/activate`)).status).toBe(405);
	});

	it('DELETE needs an INACTIVE hook: 400 when ACTIVE, 204, then 404', async () => {
		const hook = await create();
		const active = await api('DELETE', `/api/v1/eventHooks/${hook.id}`);
		expect(active.status).toBe(400);
		expect(active.json.errorCode).toBe('E0000001');
		expect(active.json.errorCauses[0].errorSummary).toMatch(/deactivated/);
		await api('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/deactivate`);
		const gone = await api('DELETE', `/api/v1/eventHooks/${hook.id}`);
		expect(gone.status).toBe(204);
		expect(gone.text).toBe('');
		expect((await api('DELETE', `/api/v1/eventHooks/${hook.id}`)).status).toBe(404);
		expect((await api('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/deactivate`)).status).toBe(
			404,
		);
		expect(sb.hooks()).toHaveLength(0);
	});
});

describe('drift helpers', () => {
	it('seedHook, updateHook and removeHook change what the API sees', async () => {
		const seeded = sb.seedHook({ uri: URI, secret: 's', name: 'Orphan' });
		expect(seeded).toMatchObject({
			status: 'ACTIVE',
			verificationStatus: 'VERIFIED',
			name: 'Orphan',
		});
		sb.updateHook(seeded.id, {
			status: 'INACTIVE',
			uri: 'https://127.0.0.1:9/elsewhere',
			eventTypes: ['user.session.start'],
		});
		const got = await api('GET', `/api/v1/eventHooks/${seeded.id}`);
		expect(got.json).toMatchObject({
			status: 'INACTIVE',
			events: { items: ['user.session.start'] },
		});
		expect(got.json.channel.config.uri).toBe('https://127.0.0.1:9/elsewhere');
		sb.removeHook(seeded.id);
		expect((await api('GET', `/api/v1/eventHooks/${seeded.id}`)).status).toBe(404);
		expect(() => sb.updateHook('nope', {})).toThrow();
	});

	it('reset clears hooks, requests, outbound and faults; clearRequests keeps the same array', async () => {
		const requests = sb.requests;
		sb.seedHook({ uri: URI });
		await api('GET', '/api/v1/eventHooks');
		sb.injectFault({ op: 'list', status: 500, times: Infinity });
		sb.reset();
		expect(sb.hooks()).toEqual([]);
		expect(sb.requests).toBe(requests);
		expect(sb.requests).toHaveLength(0);
		expect((await api('GET', '/api/v1/eventHooks')).status).toBe(200);
		sb.clearRequests();
		expect(requests).toHaveLength(0);
	});
});
