/** The browser's translation of one of our strings (public/_locales), or '' when it has none. */
import { browser } from './browser.ts';

export function localized(key: string, substitutions?: string[]): string {
  try {
    return browser.i18n.getMessage(key, substitutions);
  } catch {
    return '';
  }
}
