/**
 * Image files are recognised by extension, and checked cheaply by their first bytes: a zero-byte file, an HTML
 * error page saved as .jpg, or a truncated download would otherwise only surface as a crash in the agent's
 * data loader, or in predict.py on the holdout.
 */

// Declared with the dataset kinds in engine/api/vocabulary (engine/config recognises image folders by them).
export { IMAGE_EXTENSIONS } from '../api/vocabulary';

/** Files no one means as data, skipped without a word. */
export const JUNK_FILES = new Set(['thumbs.db', 'desktop.ini', '.ds_store']);

const startsWith = (head: Buffer, bytes: readonly number[], offset = 0): boolean =>
  head.length >= offset + bytes.length && bytes.every((b, i) => head[offset + i] === b);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** The image format the bytes are, whatever the extension says; null when they are no image we know. */
export function sniffImageFormat(head: Buffer): 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp' | 'tiff' | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'gif';
  if (startsWith(head, ascii('BM')) && head.length >= 14) return 'bmp';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  return null;
}
