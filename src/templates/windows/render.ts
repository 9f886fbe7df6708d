import { TemplateError, TemplateRenderer } from '../renderer.js';
import { checkAnswerFile } from './check.js';
import { installCmdContext } from './cmd.js';
import { AnswerFileError } from './errors.js';
import { installContext, setupContext } from './values.js';
import type { InstallCmdValues, WindowsInstallValues, WindowsSetupValues } from './types.js';

let xmlRenderer: TemplateRenderer | undefined;
let textRenderer: TemplateRenderer | undefined;

function render(mode: 'xml' | 'text', name: string, context: Record<string, unknown>): string {
  const r = mode === 'xml'
    ? (xmlRenderer ??= new TemplateRenderer(undefined, { autoescape: true }))
    : (textRenderer ??= new TemplateRenderer());
  try {
    return r.render(name, context);
  } catch (err) {
    if (err instanceof TemplateError) throw new AnswerFileError('template', err.message, { cause: err });
    throw err;
  }
}

/** Renders autounattend.xml (windowsPE, specialize, oobeSystem) and checks it; throws AnswerFileError. */
export function renderAutounattend(values: WindowsInstallValues): string {
  const xml = render('xml', 'windows/autounattend.xml.njk', installContext(values));
  checkAnswerFile(xml, values.arch);
  return xml;
}

/** Renders unattend.xml for a sysprepped image (specialize, oobeSystem) and checks it. */
export function renderUnattend(values: WindowsSetupValues): string {
  const xml = render('xml', 'windows/unattend.xml.njk', setupContext(values));
  checkAnswerFile(xml, values.arch);
  return xml;
}

/**
 * Renders install.cmd for WinPE with CRLF line endings: wpeinit, map the status and media
 * shares with retries, diskpart for the firmware, `setup.exe /unattend:… /noreboot`, a status
 * file per stage on the status share (`<nodeId>.status`, `<nodeId>.log`), then reboot.
 * Values holding `& | < > ^ % " !` or non-ASCII are refused (AnswerFileError), never escaped.
 */
export function renderInstallCmd(values: InstallCmdValues): string {
  return toCrlf(render('text', 'windows/install.cmd.njk', installCmdContext(values)));
}

/** Renders winpeshl.ini (CRLF): WinPE runs install.cmd instead of its shell. */
export function renderWinpeshl(): string {
  return toCrlf(render('text', 'windows/winpeshl.ini.njk', {}));
}


function toCrlf(text: string): string {
  if (/[^\x09\x0A\x20-\x7E]/.test(text)) throw new AnswerFileError('template', 'rendered script holds a character outside printable ASCII');
  return text.replace(/\n/g, '\r\n');
}
