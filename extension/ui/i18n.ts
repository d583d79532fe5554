/**
 * UI strings. English lives here as the default and in public/_locales/en/messages.json for
 * translators (a unit test keeps the two identical); `t()` asks the browser first.
 */
import { ext } from '../platform/index.ts';

export const EN = {
  panelTitle: 'CORS',
  appName: 'CORS Lens',
  recordingOn: 'Recording',
  recordingOff: 'Not recording',
  reasonDevelopmentOrigin: 'development origin',
  reasonPanelOpen: 'panel open',
  reasonUser: 'started from the popup',
  record: 'Record',
  stopRecording: 'Stop recording',
  recordAndReload: 'Record and reload',
  filterPlaceholder: 'Filter by URL, method or error',
  filterLabel: 'Filter requests',
  blockedOnly: 'Blocked only',
  preserveLog: 'Preserve log',
  clear: 'Clear',
  importOpen: 'Open HAR…',
  importReading: 'Reading',
  importFailed: 'Could not open',
  importShowing: 'Showing',
  importChrome: 'a Chrome HAR',
  importFirefox: 'a Firefox HAR',
  importOther: 'a HAR',
  importReport: 'a CORS Lens report',
  importCrossOrigin: 'cross-origin requests',
  importBlocked: 'blocked',
  importBack: 'Back to live requests',
  exportJson: 'JSON',
  exportMarkdown: 'Markdown',
  exportHtml: 'HTML',
  exportLabel: 'Export',
  redactSecrets: 'Redact secrets',
  redactWarning: 'Exports will contain cookies, tokens and API keys as captured. Share them with care.',
  listLabel: 'Cross-origin requests',
  colMethod: 'Method',
  colUrl: 'URL',
  colStatus: 'Status',
  colVerdict: 'Verdict',
  colTime: 'Time',
  chipBlocked: 'blocked',
  chipAllowed: 'allowed',
  chipNetworkError: 'network error',
  chipCached: 'preflight cached',
  chipNotRecorded: 'blocked — not recorded',
  chipPending: 'pending',
  chipSameOrigin: 'no CORS',
  emptyList: 'No cross-origin requests yet. Use the page; they appear here as they happen.',
  emptySelection: 'Select a request to see why it was blocked or allowed.',
  dropped: 'older requests were dropped to keep memory bounded',
  reconnecting: 'Reconnecting to the extension…',
  culprit: 'Culprit',
  expected: 'Expected',
  received: 'Received',
  missing: 'missing',
  whyPreflight: 'Why was there a preflight?',
  noPreflightNeeded: 'A simple request: no preflight was needed.',
  preflightCachedNote:
    'No preflight went out: Chrome reused a cached preflight result. A fixed server can keep failing until that cache expires (Access-Control-Max-Age, at most 2 hours in Chrome).',
  preflight: 'Preflight (OPTIONS)',
  request: 'Request',
  sent: 'Sent',
  answered: 'Answered',
  notSeen: 'not seen',
  findings: 'Also worth knowing',
  chromeName: 'Chrome',
  firefoxName: 'Firefox',
  learnMore: 'The rule',
  reproduce: 'Reproduce from a terminal',
  copy: 'Copy',
  copied: 'Copied',
  popupBlocked: 'blocked in this tab',
  popupOpenPanel: 'Open DevTools (F12) → CORS for the headers, the culprit and the fix.',
  popupNoBlocks: 'No blocked cross-origin request in this tab.',
  popupNotRecordingHint: 'This tab is not recording: blocks are counted, but their headers are not captured.',
  popupCannotInspect: 'CORS Lens cannot look at this page.',
  fixTitle: 'Fix the server',
  fixStack: 'Server stack',
  fixGuessed: 'guessed from the response',
  copyFix: 'Copy the fix',
  warningsTitle: 'Works, but risky',
} as const;

export type MessageKey = keyof typeof EN;

export function t(key: MessageKey): string {
  try {
    return ext?.i18n?.getMessage(key) || EN[key];
  } catch {
    return EN[key];
  }
}
