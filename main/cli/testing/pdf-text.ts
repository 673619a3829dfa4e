import fs from 'node:fs';
import zlib from 'node:zlib';

/**
 * Tests only: the text of each page of a PDF that Chrome (Skia) printed, without a PDF library: its streams are
 * inflated, each font's ToUnicode map read, and each page's text operators (Tj, TJ) decoded with the map of the
 * font in use. Enough to check what a printed report says; not a general PDF reader.
 */
export function pdfPages(file: string): string[] {
  const raw = fs.readFileSync(file).toString('latin1');
  const objects = new Map<number, { dict: string; stream: string | null }>();
  for (const m of raw.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
    const body = m[2]!;
    const at = body.search(/stream\r?\n/);
    let stream: string | null = null;
    let dict = body;
    if (at >= 0) {
      dict = body.slice(0, at);
      const start = body.indexOf('\n', at) + 1;
      const data = Buffer.from(
        body.slice(start, body.lastIndexOf('endstream')).replace(/\r?\n$/, ''),
        'latin1',
      );
      try {
        stream = /FlateDecode/.test(dict)
          ? zlib.inflateSync(data).toString('latin1')
          : data.toString('latin1');
      } catch {
        stream = null;
      }
    }
    objects.set(Number(m[1]), { dict, stream });
  }
  const ref = (text: string, key: string) => {
    const m = new RegExp(`/${key}\\s+(\\d+) 0 R`).exec(text);
    return m ? Number(m[1]) : null;
  };
  const cmapOf = (fontId: number): Map<string, string> => {
    const map = new Map<string, string>();
    const toUnicode = ref(objects.get(fontId)?.dict ?? '', 'ToUnicode');
    const cmap = toUnicode === null ? null : objects.get(toUnicode)?.stream;
    if (!cmap) return map;
    const hexChar = (h: string) =>
      String.fromCodePoint(...(h.match(/.{4}/g) ?? []).map((x) => parseInt(x, 16)));
    for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
      for (const m of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g))
        map.set(m[1]!.toUpperCase(), hexChar(m[2]!));
    for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
      for (const m of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
        const [lo, hi, dst] = [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
        for (let c = lo; c <= hi; c++)
          map.set(c.toString(16).toUpperCase().padStart(4, '0'), String.fromCodePoint(dst + c - lo));
      }
    return map;
  };
  const pagesRoot = [...objects.values()].find((o) => /\/Type\s*\/Pages/.test(o.dict));
  const kids = [
    ...(/\/Kids\s*\[([^\]]*)\]/.exec(pagesRoot?.dict ?? '')?.[1] ?? '').matchAll(/(\d+) 0 R/g),
  ].map((m) => Number(m[1]));
  return kids.map((pageId) => {
    const page = objects.get(pageId)?.dict ?? '';
    const resourcesId = ref(page, 'Resources');
    const resources = resourcesId === null ? page : (objects.get(resourcesId)?.dict ?? '');
    const fontDict = /\/Font\s*<<([\s\S]*?)>>/.exec(resources)?.[1] ?? '';
    const fonts = new Map<string, Map<string, string>>();
    for (const m of fontDict.matchAll(/\/(\w+)\s+(\d+) 0 R/g)) fonts.set(m[1]!, cmapOf(Number(m[2])));
    const contents =
      /\/Contents\s*\[([^\]]*)\]/.exec(page)?.[1] ?? /\/Contents\s+(\d+ 0 R)/.exec(page)?.[1] ?? '';
    let text = '';
    for (const c of contents.matchAll(/(\d+) 0 R/g)) {
      const stream = objects.get(Number(c[1]))?.stream ?? '';
      let cmap = new Map<string, string>();
      for (const op of stream.matchAll(/\/(\w+)\s+[\d.]+\s+Tf|(<[0-9A-Fa-f]*>|\[[^\]]*\])\s*T[jJ]|\bET\b/g)) {
        if (op[1]) cmap = fonts.get(op[1]) ?? new Map();
        else if (op[2]) {
          for (const hex of op[2].matchAll(/<([0-9A-Fa-f]*)>/g))
            for (const code of hex[1]!.match(/.{4}/g) ?? []) text += cmap.get(code.toUpperCase()) ?? '';
        } else text += '\n';
      }
    }
    return text;
  });
}
