import nunjucks from 'nunjucks';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VizorError } from '../errors.js';

/** A template failed to render: a missing variable, a syntax error, or an unsafe value. */
export class TemplateError extends VizorError {
  readonly code = 'TEMPLATE' as const;
  constructor(readonly template: string, message: string, options?: { cause?: unknown }) {
    super(`template ${template}: ${message}`, options);
  }
}

/** Characters allowed in a value inserted into an iPXE script: iPXE has no quoting. */
const IPXE_SAFE = /^[A-Za-z0-9 ._:/?=&%+,@-]*$/;

/** The bundled templates folder (templates/ at the package root). */
export function defaultTemplatesDir(): string {
  const dir = fileURLToPath(new URL('../../../templates/', import.meta.url));
  return existsSync(dir) ? dir : fileURLToPath(new URL('../../templates/', import.meta.url));
}

/** How a renderer escapes values. */
export interface TemplateRendererOptions {
  /**
   * HTML/XML-escape every `{{ value }}` (nunjucks autoescape: `& < > " ' \` become entities).
   * Off by default: iPXE and cmd templates use their own filters.
   */
  autoescape?: boolean;
}

/** Renders templates from one folder; undefined variables are errors, never empty strings. */
export class TemplateRenderer {
  private readonly env: nunjucks.Environment;

  constructor(dir = defaultTemplatesDir(), options: TemplateRendererOptions = {}) {
    this.env = new nunjucks.Environment(new nunjucks.FileSystemLoader(dir, { noCache: false }), {
      autoescape: options.autoescape ?? false,
      throwOnUndefined: true,
      trimBlocks: true,
      lstripBlocks: true,
    });
    // A value that could end an iPXE line or start a command is refused, not escaped.
    this.env.addFilter('ipxe', (value: unknown) => {
      const s = String(value ?? '');
      if (!IPXE_SAFE.test(s)) throw new Error(`value not safe in an iPXE script: ${JSON.stringify(s.slice(0, 60))}`);
      return s;
    });
    // For messages shown with `echo`: anything unsafe becomes `_`, so a message always renders.
    this.env.addFilter('ipxe_text', (value: unknown) => [...String(value ?? '')].map((c) => (IPXE_SAFE.test(c) ? c : '_')).join('').slice(0, 300));
  }

  /** Renders `name` (relative to the folder) with `context`. */
  render(name: string, context: Record<string, unknown>): string {
    try {
      return this.env.render(name, context);
    } catch (err) {
      const msg = (err as Error).message.replace(/^\(unknown path\)\s*/, '').split('\n').filter(Boolean).join(' ');
      throw new TemplateError(name, msg, { cause: err });
    }
  }
}
