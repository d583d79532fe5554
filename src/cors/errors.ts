/**
 * The error taxonomy: Chrome's `Network.CorsError` names (devtools-protocol), the legacy
 * Private Network Access names older Chrome still sends, and Firefox's console reasons.
 */

/** Every `Network.CorsError` value of the current devtools-protocol. */
export const CORS_ERRORS = [
  'DisallowedByMode',
  'InvalidResponse',
  'WildcardOriginNotAllowed',
  'MissingAllowOriginHeader',
  'MultipleAllowOriginValues',
  'InvalidAllowOriginValue',
  'AllowOriginMismatch',
  'InvalidAllowCredentials',
  'CorsDisabledScheme',
  'PreflightInvalidStatus',
  'PreflightDisallowedRedirect',
  'PreflightWildcardOriginNotAllowed',
  'PreflightMissingAllowOriginHeader',
  'PreflightMultipleAllowOriginValues',
  'PreflightInvalidAllowOriginValue',
  'PreflightAllowOriginMismatch',
  'PreflightInvalidAllowCredentials',
  'PreflightMissingAllowExternal',
  'PreflightInvalidAllowExternal',
  'InvalidAllowMethodsPreflightResponse',
  'InvalidAllowHeadersPreflightResponse',
  'MethodDisallowedByPreflightResponse',
  'HeaderDisallowedByPreflightResponse',
  'RedirectContainsCredentials',
  'InsecureLocalNetwork',
  'InvalidLocalNetworkAccess',
  'NoCorsRedirectModeNotFollow',
  'LocalNetworkAccessPermissionDenied',
] as const;

/** Names Chrome sent before Private Network Access became Local Network Access. */
export const LEGACY_CORS_ERRORS = [
  'InsecurePrivateNetwork',
  'InvalidPrivateNetworkAccess',
  'UnexpectedPrivateNetworkAccess',
  'PreflightMissingAllowPrivateNetwork',
  'PreflightInvalidAllowPrivateNetwork',
  'PreflightMissingPrivateNetworkAccessId',
  'PreflightMissingPrivateNetworkAccessName',
  'PrivateNetworkAccessPermissionUnavailable',
  'PrivateNetworkAccessPermissionDenied',
] as const;

export type CurrentCorsError = (typeof CORS_ERRORS)[number];
export type LegacyCorsError = (typeof LEGACY_CORS_ERRORS)[number];
export type CorsError = CurrentCorsError | LegacyCorsError;

const ALL = new Set<string>([...CORS_ERRORS, ...LEGACY_CORS_ERRORS]);

export function isCorsError(name: unknown): name is CorsError {
  return typeof name === 'string' && ALL.has(name);
}

/** Firefox's console reasons ("Reason: …"), nsILoadInfo blocking reasons 1001–1015. */
export const FIREFOX_REASONS = [
  'CORSDisabled',
  'CORSDidNotSucceed',
  'CORSRequestNotHttp',
  'CORSMultipleAllowOriginNotAllowed',
  'CORSMissingAllowOrigin',
  'CORSNotSupportingCredentials',
  'CORSAllowOriginNotMatchingOrigin',
  'CORSMissingAllowCredentials',
  'CORSOriginHeaderNotAdded',
  'CORSExternalRedirectNotAllowed',
  'CORSPreflightDidNotSucceed',
  'CORSInvalidAllowMethod',
  'CORSMethodNotFound',
  'CORSInvalidAllowHeader',
  'CORSMissingAllowHeaderFromPreflight',
] as const;

export type FirefoxReason = (typeof FIREFOX_REASONS)[number];

/** Where in the exchange the browser gave up. */
export type Stage = 'request' | 'preflight' | 'response' | 'redirect' | 'local-network';

/**
 * What kind of problem an error is, the plain and `Preflight*` names of one rule together (as
 * devtools-frontend's CorsIssue groups Chrome's codes): the response to the preflight or to the
 * request itself fails the same check. Exhaustive, so a new code nobody placed fails the typecheck.
 */
export type CorsFamily =
  | 'missing-allow-origin'
  | 'multiple-allow-origin'
  | 'invalid-allow-origin'
  | 'allow-origin-mismatch'
  | 'wildcard-with-credentials'
  | 'allow-credentials'
  | 'preflight-status'
  | 'preflight-redirect'
  | 'invalid-allow-methods'
  | 'invalid-allow-headers'
  | 'method-not-allowed'
  | 'header-not-allowed'
  | 'redirect-credentials'
  | 'request-mode'
  | 'scheme'
  | 'invalid-response'
  | 'local-network';

export function familyOf(error: CorsError): CorsFamily {
  switch (error) {
    case 'MissingAllowOriginHeader':
    case 'PreflightMissingAllowOriginHeader':
      return 'missing-allow-origin';
    case 'MultipleAllowOriginValues':
    case 'PreflightMultipleAllowOriginValues':
      return 'multiple-allow-origin';
    case 'InvalidAllowOriginValue':
    case 'PreflightInvalidAllowOriginValue':
      return 'invalid-allow-origin';
    case 'AllowOriginMismatch':
    case 'PreflightAllowOriginMismatch':
      return 'allow-origin-mismatch';
    case 'WildcardOriginNotAllowed':
    case 'PreflightWildcardOriginNotAllowed':
      return 'wildcard-with-credentials';
    case 'InvalidAllowCredentials':
    case 'PreflightInvalidAllowCredentials':
      return 'allow-credentials';
    case 'PreflightInvalidStatus':
      return 'preflight-status';
    case 'PreflightDisallowedRedirect':
      return 'preflight-redirect';
    case 'InvalidAllowMethodsPreflightResponse':
      return 'invalid-allow-methods';
    case 'InvalidAllowHeadersPreflightResponse':
      return 'invalid-allow-headers';
    case 'MethodDisallowedByPreflightResponse':
      return 'method-not-allowed';
    case 'HeaderDisallowedByPreflightResponse':
      return 'header-not-allowed';
    case 'RedirectContainsCredentials':
      return 'redirect-credentials';
    case 'DisallowedByMode':
    case 'NoCorsRedirectModeNotFollow':
      return 'request-mode';
    case 'CorsDisabledScheme':
      return 'scheme';
    case 'InvalidResponse':
      return 'invalid-response';
    case 'PreflightMissingAllowExternal':
    case 'PreflightInvalidAllowExternal':
    case 'InsecureLocalNetwork':
    case 'InvalidLocalNetworkAccess':
    case 'LocalNetworkAccessPermissionDenied':
    case 'InsecurePrivateNetwork':
    case 'InvalidPrivateNetworkAccess':
    case 'UnexpectedPrivateNetworkAccess':
    case 'PreflightMissingAllowPrivateNetwork':
    case 'PreflightInvalidAllowPrivateNetwork':
    case 'PreflightMissingPrivateNetworkAccessId':
    case 'PreflightMissingPrivateNetworkAccessName':
    case 'PrivateNetworkAccessPermissionUnavailable':
    case 'PrivateNetworkAccessPermissionDenied':
      return 'local-network';
  }
}
