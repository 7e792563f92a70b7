/** The one Okta event both triggers are about: Okta Workflows' card "MFA Preregistration Initiated". */
export const MFA_PREREGISTRATION_EVENT = 'system.mfa.preregister.initiate';
