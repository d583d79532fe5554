/**
 * A HAR or CORS Lens report the user opens in the panel ("Open HAR…" or dropped anywhere on it):
 * read in a worker, shown instead of the live log until closed; a file that cannot be read says why.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OpenedFile } from '../../src/har/open.ts';
import { t } from '../ui/i18n.ts';
import { openPickedFile } from './open-file.ts';

/** A file the user opened: the panel shows its requests instead of the live ones. */
export type Imported = Extract<OpenedFile, { ok: true }> & { readonly name: string };

/** `onOpened`: a file was read (the panel selects its first blocked request). */
export function useFileImport(onOpened: (opened: Imported) => void) {
  const [imported, setImported] = useState<Imported | null>(null);
  const [reading, setReading] = useState<string | null>(null);
  const [importError, setImportError] = useState<string | null>(null);

  const openPicked = async (file: File) => {
    setImportError(null);
    setReading(`${t('importReading')} ${file.name} (${(file.size / 1024 / 1024).toFixed(1)} MB)…`);
    const opened = await openPickedFile(file);
    setReading(null);
    if (!opened.ok) {
      setImportError(`${t('importFailed')} ${file.name}: ${opened.error}`);
      return;
    }
    const read = { ...opened, name: file.name };
    setImported(read);
    onOpened(read);
  };

  // A file dropped anywhere on the panel opens like one picked with "Open HAR…".
  const onDrop = useRef(openPicked);
  onDrop.current = openPicked;
  useEffect(() => {
    const over = (ev: DragEvent) => ev.preventDefault();
    const drop = (ev: DragEvent) => {
      const file = ev.dataTransfer?.files[0];
      if (!file) return;
      ev.preventDefault();
      void onDrop.current(file);
    };
    document.addEventListener('dragover', over);
    document.addEventListener('drop', drop);
    return () => {
      document.removeEventListener('dragover', over);
      document.removeEventListener('drop', drop);
    };
  }, []);

  return { imported, setImported, reading, importError, setImportError, openPicked };
}
