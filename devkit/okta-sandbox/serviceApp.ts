/** Service-app key pairs made at test time (RSA 2048 and EC P-256), and the credential for one. */
import { generateKeyPairSync } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';

import type { OktaSandbox, ServiceApp, ServiceAppInput } from '.';
import type { OAuthCredentials } from '../n8n/contexts';
import { EVENT_HOOK_SCOPES } from './oauth';

export { DEFAULT_APP_SCOPES, EVENT_HOOK_SCOPES } from './oauth';

export interface TestKeyPair {
	/** PKCS#8 PEM. */
	privateKeyPem: string;
	/** SPKI PEM. */
	publicKeyPem: string;
	/** The same private key as a JWK (kty, n/e/d/p/q/dp/dq/qi or crv/x/y/d), without kid. */
	privateJwk: JsonWebKey;
}

export function makeKeyPair(type: 'rsa' | 'ec'): TestKeyPair {
	const pair =
		type === 'rsa'
			? generateKeyPairSync('rsa', { modulusLength: 2048 })
			: generateKeyPairSync('ec', { namedCurve: 'P-256' });
	return {
		privateKeyPem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
		publicKeyPem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
		privateJwk: pair.privateKey.export({ format: 'jwk' }),
	};
}

/**
 * Registers an app in the sandbox and returns it with the credential a user would fill in. The
 * app is granted the event hook scopes and okta.logs.read unless `input.scopes` says otherwise;
 * the credential asks for its default scopes (no `scopes` field).
 */
export function serviceApp(
	sandbox: OktaSandbox,
	keys: TestKeyPair,
	input: Omit<ServiceAppInput, 'publicKey'> = {},
): { app: ServiceApp; credentials: OAuthCredentials } {
	const app = sandbox.addServiceApp({ publicKey: keys.publicKeyPem, ...input });
	return {
		app,
		credentials: {
			url: sandbox.url,
			clientId: app.clientId,
			privateKey: keys.privateKeyPem,
			keyId: app.keyId,
		},
	};
}

/**
 * An app and credential as set up before the System Log features: the app is granted only the
 * event hook scopes, and the credential asks for exactly those (an older credential without
 * okta.logs.read).
 */
export function eventHookOnlyServiceApp(
	sandbox: OktaSandbox,
	keys: TestKeyPair,
	input: Omit<ServiceAppInput, 'publicKey' | 'scopes'> = {},
): { app: ServiceApp; credentials: OAuthCredentials } {
	const { app, credentials } = serviceApp(sandbox, keys, {
		...input,
		scopes: [...EVENT_HOOK_SCOPES],
	});
	return { app, credentials: { ...credentials, scopes: EVENT_HOOK_SCOPES.join(' ') } };
}
