/**
 * The control API under /__sandbox/ (no SSWS: it is the test's side door, on loopback only), so the
 * CLI, `npm run dev` and other processes can drive a sandbox they did not start:
 *   POST   /__sandbox/events      { count?, events?, hookId?, deliveryId?, retry?, duplicate? } → DeliveryResult[]
 *                                 (MFA preregistration events, or the given ones)
 *   POST   /__sandbox/emit        { eventType? | eventTypes?, count? (each, default 1), overrides?,
 *                                   hookId?, deliveryId?, retry?, duplicate? } → { events, deliveries }
 *                                 events of any types of Okta's catalog, logged and delivered
 *                                 (see OktaSandbox.emitEvents); an unknown type: 400
 *   GET    /__sandbox/features    { eventHookFilters }
 *   POST   /__sandbox/features    { eventHookFilters: boolean } → { eventHookFilters }: the org's
 *                                 Early Access feature "event hook filters" on or off
 *   GET    /__sandbox/hooks       full hooks, secrets included
 *   POST   /__sandbox/hooks       seedHook input → hook
 *   PATCH  /__sandbox/hooks/{id}  updateHook patch → hook
 *   DELETE /__sandbox/hooks/{id}  removeHook → 204
 *   GET    /__sandbox/requests    recorded management API requests
 *   GET    /__sandbox/outbound    verification and delivery attempts
 *   POST   /__sandbox/faults      Fault as JSON (path is a regex source; times may be "Infinity" or -1)
 *   DELETE /__sandbox/faults
 *   POST   /__sandbox/rate-limit  { op, times, resetInSeconds }
 *   POST   /__sandbox/reset
 *   GET    /__sandbox/info        { url, caCertPath }
 *   GET    /__sandbox/logs        the System Log, in persistence order
 *   POST   /__sandbox/logs        { count? (≤ 100,000), events?, eventType?, lagSeconds? } → { added, uuids }
 *                                 (persisted, not delivered; see OktaSandbox.addLogEvents)
 *   POST   /__sandbox/logs/rate-limit  { perMinute } the System Log's requests per minute
 *   POST   /__sandbox/preview     { hookId, eventType? } → PreviewResult (the Admin Console's Preview)
 */
import { faultFromJson } from './faults';
import { deliverPreview } from './preview';
import type { RawBody } from './server';
import type { DeepPartial, EmitEventSpec, LogEvent, OktaSandbox } from './types';

type Result = { status: number; body?: unknown };

const bad = (message: string): Result => ({ status: 400, body: { error: message } });

export async function handleControl(
	sb: OktaSandbox,
	method: string,
	path: string,
	raw: RawBody,
): Promise<Result> {
	if (raw.text.trim() !== '' && raw.json === undefined) return bad('body is not valid JSON');
	const body = (raw.json ?? {}) as Record<string, unknown>;
	try {
		const hookMatch = /^\/hooks\/([^/]+)$/.exec(path);
		switch (`${method} ${hookMatch ? '/hooks/:id' : path}`) {
			case 'GET /info':
				return { status: 200, body: { url: sb.url, caCertPath: sb.caCertPath } };
			case 'POST /events': {
				const count = body.count === undefined ? 1 : Number(body.count);
				if (!Number.isInteger(count) || count < 0 || count > 1000)
					return bad('count must be an integer 0..1000');
				const events = Array.isArray(body.events)
					? (body.events as LogEvent[])
					: Array.from({ length: count }, () => sb.makeEvent());
				const results = await sb.deliver(events, {
					hookId: body.hookId as string | undefined,
					deliveryId: body.deliveryId as string | undefined,
					retry: body.retry as boolean | undefined,
					duplicate: body.duplicate as boolean | undefined,
				});
				return { status: 200, body: results };
			}
			case 'POST /emit': {
				const types =
					body.eventTypes !== undefined
						? body.eventTypes
						: body.eventType !== undefined
							? [body.eventType]
							: undefined;
				if (!Array.isArray(types) || types.length === 0 || types.some((t) => typeof t !== 'string'))
					return bad('eventType (a string) or eventTypes (a list of strings) is required');
				const count = body.count === undefined ? 1 : Number(body.count);
				if (!Number.isInteger(count) || count < 0 || count * types.length > 1000)
					return bad('count must be an integer >= 0, at most 1000 events in all');
				const overrides = body.overrides as DeepPartial<LogEvent> | undefined;
				const specs: EmitEventSpec[] = (types as string[]).map((eventType) => ({
					eventType,
					count,
					overrides,
				}));
				const result = await sb.emitEvents(specs, {
					hookId: body.hookId as string | undefined,
					deliveryId: body.deliveryId as string | undefined,
					retry: body.retry as boolean | undefined,
					duplicate: body.duplicate as boolean | undefined,
				});
				return { status: 200, body: result };
			}
			case 'GET /features':
				return { status: 200, body: { eventHookFilters: sb.eventHookFiltersEnabled } };
			case 'POST /features':
				if (typeof body.eventHookFilters !== 'boolean')
					return bad('eventHookFilters (true or false) is required');
				sb.setEventHookFilters(body.eventHookFilters);
				return { status: 200, body: { eventHookFilters: sb.eventHookFiltersEnabled } };
			case 'POST /preview':
				if (typeof body.hookId !== 'string') return bad('hookId is required');
				return {
					status: 200,
					body: await deliverPreview(sb, body.hookId, body.eventType as string | undefined),
				};
			case 'GET /logs':
				return { status: 200, body: sb.systemLog };
			case 'POST /logs': {
				const count = body.count === undefined ? 1 : Number(body.count);
				if (
					!Array.isArray(body.events) &&
					(!Number.isInteger(count) || count < 0 || count > 100_000)
				)
					return bad('count must be an integer 0..100000');
				const lagSeconds = body.lagSeconds === undefined ? undefined : Number(body.lagSeconds);
				if (lagSeconds !== undefined && !(lagSeconds >= 0)) return bad('lagSeconds must be >= 0');
				const added = sb.addLogEvents(
					Array.isArray(body.events) ? (body.events as LogEvent[]) : count,
					{ eventType: body.eventType as string | undefined, lagSeconds },
				);
				return { status: 200, body: { added: added.length, uuids: added.map((e) => e.uuid) } };
			}
			case 'POST /logs/rate-limit':
				sb.setLogRateLimit(Number(body.perMinute));
				return { status: 204 };
			case 'GET /hooks':
				return { status: 200, body: sb.hooks() };
			case 'POST /hooks':
				if (typeof body.uri !== 'string') return bad('uri is required');
				return {
					status: 200,
					body: sb.seedHook(body as unknown as Parameters<OktaSandbox['seedHook']>[0]),
				};
			case 'PATCH /hooks/:id':
				sb.updateHook(hookMatch![1], body);
				return { status: 200, body: sb.hook(hookMatch![1]) };
			case 'DELETE /hooks/:id':
				sb.removeHook(hookMatch![1]);
				return { status: 204 };
			case 'GET /requests':
				return { status: 200, body: sb.requests };
			case 'GET /outbound':
				return { status: 200, body: sb.outbound };
			case 'POST /faults':
				sb.injectFault(faultFromJson(raw.json));
				return { status: 204 };
			case 'DELETE /faults':
				sb.clearFaults();
				return { status: 204 };
			case 'POST /rate-limit': {
				const { op, times, resetInSeconds } = body as {
					op?: string;
					times?: number;
					resetInSeconds?: number;
				};
				if (typeof op !== 'string') return bad('op is required');
				sb.rateLimit(op, Number(times ?? 1), Number(resetInSeconds ?? 60));
				return { status: 204 };
			}
			case 'POST /reset':
				sb.reset();
				return { status: 204 };
			default:
				return { status: 404, body: { error: `no control route ${method} /__sandbox${path}` } };
		}
	} catch (err) {
		return bad(err instanceof Error ? err.message : String(err));
	}
}
