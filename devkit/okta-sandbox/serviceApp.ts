/** Service-app key pairs made at test time (RSA 2048 and EC P-256), and the credential for one. */
import { generateKeyPairSync } from 'node:crypto';

import type { OktaSandbox, ServiceApp, ServiceAppInput } from '.';
import type { OAuthCredentials } from '../n8n/contexts';

export interface TestKeyPair {
	privateKeyPem: string;
	publicKeyPem: string;
}

export function makeKeyPair(type: 'rsa' | 'ec'): TestKeyPair {
	const pair =
		type === 'rsa'
			? generateKeyPairSync('rsa', { modulusLength: 2048 })
			: generateKeyPairSync('ec', { namedCurve: 'P-256' });
	return {
		privateKeyPem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
		publicKeyPem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
	};
}

/** Registers an app in the sandbox and returns it with the credential a user would fill in. */
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
