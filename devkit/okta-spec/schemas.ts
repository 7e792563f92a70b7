/**
 * Okta's own management OpenAPI spec as the judge of every body the sandbox (and the node) sends.
 *
 * The spec is OpenAPI 3.0 (3.4 MB); it is parsed once per process and turned into JSON Schema for
 * ajv: `nullable` becomes `anyOf [null, …]`, boolean `exclusiveMinimum/Maximum` become numeric,
 * `discriminator` is dropped (every schema we use validates without it).
 *
 * Why a strict variant: none of the EventHook* schemas say `additionalProperties: false`, so the
 * published schemas accept `{ "chanel": … }` or `authScheme: { "vlaue": … }` without complaint. A
 * schema that cannot catch a typo is no test at all, so by default the EventHook* objects (and
 * EventSubscriptions) are validated with `additionalProperties: false` added. Okta itself returns
 * exactly the properties the spec declares for these objects (see its examples), so nothing real
 * fails the strict variant. Pass `{ loose: true }` to validate against the spec exactly as written.
 * Error and Log* schemas are never tightened: Okta adds fields to log events over time.
 *
 * readOnly / writeOnly: with `{ direction: 'response' }` a writeOnly property (authScheme.value) is
 * rejected in the strict objects, because Okta never returns it. readOnly properties are allowed in
 * requests (Okta ignores `id`, `status`, … when a client sends back what it read).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

export interface OktaSchemaOptions {
	direction?: 'request' | 'response';
	loose?: boolean;
}

export function specPath(): string {
	return path.join(__dirname, 'management-minimal.yaml');
}

type Json = Record<string, unknown>;
type Variant = 'loose' | 'strict' | 'strict-response';

const STRICT_NAMES = /^(EventHook|EventSubscriptions$)/;
const BASE = 'https://okta-sandbox.invalid/';

let state: { ajv: Ajv; compiled: Map<string, ValidateFunction>; names: Set<string> } | undefined;

function init() {
	if (state) return state;
	const spec = parse(fs.readFileSync(specPath(), 'utf8'), { maxAliasCount: -1 }) as Json;
	const schemas = ((spec.components as Json | undefined)?.schemas ?? {}) as Json;
	const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
	addFormats(ajv, schemas);
	for (const variant of ['loose', 'strict', 'strict-response'] as Variant[]) {
		const copy = structuredClone(schemas) as Record<string, Json>;
		if (variant !== 'loose') {
			for (const [name, schema] of Object.entries(copy)) {
				if (STRICT_NAMES.test(name)) tighten(schema, variant === 'strict-response');
			}
		}
		for (const schema of Object.values(copy)) toJsonSchema(schema);
		ajv.addSchema({ $id: `${BASE}${variant}.json`, components: { schemas: copy } });
	}
	state = { ajv, compiled: new Map(), names: new Set(Object.keys(schemas)) };
	return state;
}

function tighten(schema: Json, response: boolean): void {
	const props = schema.properties as Record<string, Json> | undefined;
	if (schema.type !== 'object' || !props || 'additionalProperties' in schema) return;
	schema.additionalProperties = false;
	if (response) {
		for (const [key, prop] of Object.entries(props)) if (prop.writeOnly === true) delete props[key];
	}
}

/** OpenAPI 3.0 schema object → JSON Schema draft-07, in place, recursively. */
function toJsonSchema(node: unknown): void {
	if (Array.isArray(node)) return node.forEach(toJsonSchema);
	if (!node || typeof node !== 'object') return;
	const obj = node as Json;
	delete obj.discriminator;
	delete obj.example;
	delete obj.examples;
	for (const bound of ['Minimum', 'Maximum'] as const) {
		const key = `exclusive${bound}`;
		const plain = bound.toLowerCase();
		if (obj[key] === true) {
			obj[key] = obj[plain];
			delete obj[plain];
		} else if (obj[key] === false) delete obj[key];
	}
	for (const [key, value] of Object.entries(obj)) {
		if (key === 'enum' || key === 'required' || key === 'default') continue;
		if (key === 'properties' || key === 'patternProperties') {
			for (const sub of Object.values(value as Json)) toJsonSchema(sub);
		} else toJsonSchema(value);
	}
	if (obj.nullable === true) {
		delete obj.nullable;
		const rest = { ...obj };
		for (const key of Object.keys(obj)) delete obj[key];
		obj.anyOf = [{ type: 'null' }, rest];
		if (Array.isArray(rest.enum)) rest.enum = (rest.enum as unknown[]).filter((v) => v !== null);
	} else delete obj.nullable;
}

/** Validate the formats that matter here; accept the spec's other (documentary) formats. */
function addFormats(ajv: Ajv, schemas: Json): void {
	ajv.addFormat('date-time', {
		type: 'string',
		validate: (s: string) =>
			/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(s) && !isNaN(Date.parse(s)),
	});
	const seen = new Set<string>();
	JSON.stringify(schemas, (key, value) => {
		if (key === 'format' && typeof value === 'string') seen.add(value);
		return value;
	});
	for (const name of seen) if (name !== 'date-time') ajv.addFormat(name, true);
}

function validator(name: string, options: OktaSchemaOptions): ValidateFunction {
	const s = init();
	if (!s.names.has(name)) throw new Error(`No schema named ${name} in ${specPath()}`);
	const variant: Variant = options.loose
		? 'loose'
		: options.direction === 'response'
			? 'strict-response'
			: 'strict';
	const key = `${variant}:${name}`;
	let fn = s.compiled.get(key);
	if (!fn) {
		fn = s.ajv.compile({ $ref: `${BASE}${variant}.json#/components/schemas/${name}` });
		s.compiled.set(key, fn);
	}
	return fn;
}

function format(errors: ErrorObject[] | null | undefined): string[] {
	return (errors ?? []).map((e) => {
		const where = e.instancePath || '(root)';
		const extra =
			e.keyword === 'additionalProperties'
				? ` '${(e.params as { additionalProperty: string }).additionalProperty}'`
				: e.keyword === 'enum'
					? ` ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`
					: '';
		return `${where} ${e.message}${extra}`;
	});
}

/** Errors of `value` against the spec's component schema `name`; empty when valid. */
export function validateOktaSchema(
	name: string,
	value: unknown,
	options: OktaSchemaOptions = {},
): string[] {
	const fn = validator(name, options);
	return fn(value) ? [] : format(fn.errors);
}

/** Throws a readable error listing every violation. */
export function expectOktaSchema(
	name: string,
	value: unknown,
	options: OktaSchemaOptions = {},
): void {
	const errors = validateOktaSchema(name, value, options);
	if (errors.length) {
		throw new Error(
			`Does not match Okta schema ${name}${options.direction ? ` (${options.direction})` : ''}:\n  ` +
				errors.join('\n  ') +
				`\nValue: ${JSON.stringify(value, null, 2).slice(0, 4000)}`,
		);
	}
}
