/** `t()`: a UI string in the browser's language, English (strings.ts) when it has none. */
import { localized } from '../platform/i18n.ts';
import { EN, type MessageKey } from './strings.ts';

export function t(key: MessageKey): string {
  return localized(key) || EN[key];
}
