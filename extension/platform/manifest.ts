/**
 * One manifest.json, two browsers. Chrome reads it as is; Firefox (MV3) wants its background as
 * an event page (`background.scripts`), an add-on id, the lowest version we support, and the
 * data-collection declaration AMO requires — CORS Lens collects and sends nothing — and the
 * "scripting" permission its page observer needs there.
 */
type Manifest = Record<string, unknown>;

/** The add-on id Firefox knows CORS Lens by; it must never change once published. */
export const GECKO_ID = 'cors-lens@cors-lens.dev';

/**
 * Firefox 140 ESR is the oldest release whose MV3 webRequest, storage.session and
 * data_collection_permissions CORS Lens relies on.
 */
export const FIREFOX_MIN_VERSION = '140.0';

export const FIREFOX_ANDROID_MIN_VERSION = '142.0';

export function firefoxManifest(chrome: Manifest): Manifest {
  const { minimum_chrome_version: _chromeOnly, background, permissions, ...rest } = chrome;
  const worker = (background as { service_worker?: string } | undefined)?.service_worker ?? '';
  return {
    ...rest,
    // "scripting": the page observer (extension/platform/page-observer.ts), Firefox only.
    permissions: [...((permissions as string[] | undefined) ?? []), 'scripting'],
    background: { scripts: [worker], type: 'module' },
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: FIREFOX_MIN_VERSION,
        data_collection_permissions: { required: ['none'] },
      },
      // Firefox for Android learned data_collection_permissions in 142.
      gecko_android: { strict_min_version: FIREFOX_ANDROID_MIN_VERSION },
    },
  };
}
