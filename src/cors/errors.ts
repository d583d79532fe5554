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
