/** Conventions the code relies on, checked so they cannot drift. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { EN } from '../../extension/shared/i18n.ts';

const ROOT = resolve(import.meta.dirname, '../..');

test('every UI string is in the English locale file, word for word', () => {
  const messages = JSON.parse(readFileSync(join(ROOT, 'public/_locales/en/messages.json'), 'utf8')) as Record<
    string,
    { message: string }
  >;
  for (const [key, text] of Object.entries(EN)) expect(messages[key]?.message, key).toBe(text);
  expect(messages.extName?.message).toBe('CORS Lens');
});

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : /\.(ts|tsx)$/.test(d.name) ? [join(dir, d.name)] : [],
  );
}

test('the engine in src/ uses no browser API', () => {
  for (const file of files(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    expect(text, file).not.toMatch(
      /\b(chrome|browser)\.(runtime|tabs|webRequest|storage|devtools|action|i18n)\b/,
    );
    expect(text, file).not.toMatch(/\b(document|window|localStorage)\./);
  }
});

test('only extension/platform/ names the extension API', () => {
  for (const file of files(join(ROOT, 'extension'))) {
    if (file.includes(`${join('extension', 'platform')}`)) continue;
    // Types (chrome.runtime.Port…) and comments may name it; calls may not.
    const code = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
      .replace(/chrome\.(runtime\.Port|tabs\.Tab|tabs\.OnUpdatedInfo|webRequest\.\w+)\b/g, '');
    expect(code, file).not.toMatch(/\bchrome\.[a-z]+\./);
  }
});

test('nothing renders strings as HTML', () => {
  for (const file of [...files(join(ROOT, 'extension')), ...files(join(ROOT, 'src'))]) {
    expect(readFileSync(file, 'utf8'), file).not.toMatch(
      /innerHTML|dangerouslySetInnerHTML|insertAdjacentHTML|outerHTML/,
    );
  }
});
