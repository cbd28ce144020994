import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';

/**
 * Renders a pdfmake document to a PDF buffer with DejaVu Sans embedded: it covers every
 * Vietnamese letter with its combining and precomposed marks (ầ, ặ, ữ, ỹ, Đ…). One renderer for
 * every report (assessment findings, leak triage, watch log); documents name the font
 * `DejaVuSans` in their default style.
 */
const require = createRequire(import.meta.url);

interface PdfKitDocument extends NodeJS.ReadableStream {
  end(): void;
}
/** pdfmake 0.2's server-side printer (its bundled types describe 0.3's API, so declared here). */
type PdfPrinterClass = new (fonts: Record<string, Record<string, string>>) => { createPdfKitDocument(doc: TDocumentDefinitions): PdfKitDocument };

const DEJAVU_FILES = { normal: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', italics: 'DejaVuSans-Oblique.ttf', bolditalics: 'DejaVuSans-BoldOblique.ttf' };

/** Path of a DejaVu Sans face (from the dejavu-fonts-ttf package). */
export function dejavuFontFile(style: keyof typeof DEJAVU_FILES = 'normal'): string {
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', DEJAVU_FILES[style]);
}

function dejavuFonts(): Record<string, Record<string, string>> {
  return {
    DejaVuSans: {
      normal: dejavuFontFile('normal'),
      bold: dejavuFontFile('bold'),
      italics: dejavuFontFile('italics'),
      bolditalics: dejavuFontFile('bolditalics'),
    },
  };
}

export function renderPdf(doc: TDocumentDefinitions): Promise<Buffer> {
  const PdfPrinter = require('pdfmake') as PdfPrinterClass;
  const pdf = new PdfPrinter(dejavuFonts()).createPdfKitDocument(doc);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.end();
  return done;
}
