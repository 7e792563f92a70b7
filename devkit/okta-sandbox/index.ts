/** The Okta sandbox: a local HTTPS stand-in for an Okta org's event hooks. Test/dev tooling only. */
export { startOktaSandbox } from './server';
export { getTestPki, type TestPki } from './pki';
export { validateOktaSchema, expectOktaSchema, type OktaSchemaOptions } from '../okta-spec/schemas';
export { MFA_PREREGISTRATION_EVENT } from './events';
export {
	startHookReceiver,
	type HookReceiver,
	type ReceiverBehaviour,
	type ReceivedRequest,
} from './receiver';
export type * from './types';
