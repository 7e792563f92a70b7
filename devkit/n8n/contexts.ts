/**
 * What tests hand the in-process n8n (core.ts, triggerHost.ts): the credential fields a user fills
 * in, which credential type each Authentication choice of the node uses, and the credential data
 * and request helper n8n hands a credential's own code.
 */
import { NodeHelpers } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IHttpRequestHelper,
	INodeParameters,
} from 'n8n-workflow';

import { CREDENTIAL_FOR } from '../../nodes/okta/client';
import { PACKAGE_CREDENTIAL_TYPES } from './credentialsHelper';
import { n8nHttpRequest, trustCertificateAuthority } from './instance';

/** The API-token credential as a user fills it in. */
export interface Credentials {
	url: string;
	accessToken: string;
}

/** The service-app credential as a user fills it in (n8n adds the hidden fields' defaults). */
export interface OAuthCredentials {
	url: string;
	clientId: string;
	privateKey: string;
	keyId?: string;
	scopes?: string;
}

export type Authentication = keyof typeof CREDENTIAL_FOR;

/** The credential type's name for each of the node's Authentication options. */
export const CREDENTIAL_TYPE: Record<Authentication, string> = CREDENTIAL_FOR;

/** The credential's data as n8n hands it to the credential's code: the user's fields plus every property's default. */
export function storedCredential(
	authentication: Authentication,
	fields: Credentials | OAuthCredentials,
): ICredentialDataDecryptedObject {
	const type = PACKAGE_CREDENTIAL_TYPES.find(
		({ name }) => name === CREDENTIAL_TYPE[authentication],
	)!;
	return NodeHelpers.getNodeParameters(
		type.properties,
		fields as unknown as INodeParameters,
		true,
		false,
		null,
		null,
	) as ICredentialDataDecryptedObject;
}

/** `this.helpers.httpRequest` as n8n hands it to preAuthentication: n8n-core's own, trusting `ca`. */
export function httpRequestHelper(ca: string): IHttpRequestHelper['helpers']['httpRequest'] {
	trustCertificateAuthority(ca);
	return n8nHttpRequest;
}
