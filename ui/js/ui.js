// Page-independent pieces: the status line, the confirmation dialog, and the scope that
// stops a page's polling when the user navigates away.

import { ApiError } from './api.js';

let statusTimer = 0;

/** Shows a short message in the status line (announced politely); errors stay until replaced. */
export function notify(message, kind = 'info') {
  const el = document.getElementById('status');
  el.textContent = message;
  el.dataset.kind = kind;
  el.classList.add('shown');
  clearTimeout(statusTimer);
  if (kind !== 'error') statusTimer = setTimeout(() => el.classList.remove('shown'), 6000);
}

/** The text to show for any failure: vizor's code and message for API errors. */
export function describe(err) {
  if (err instanceof ApiError) return err.status ? `${err.message} (${err.status} ${err.code})` : err.message;
  return err?.message ?? String(err);
}

/**
 * Asks for confirmation in a modal dialog. With `typed`, the user must type that word
 * (as `vizor room delete` asks for the room name). Resolves true when confirmed.
 */
export function confirmAction({ title, text, confirmLabel = 'Confirm', typed = null, danger = false }) {
  const dialog = document.getElementById('confirm');
  const ok = document.getElementById('confirm-ok');
  const input = document.getElementById('confirm-input');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-typed').hidden = !typed;
  document.getElementById('confirm-word').textContent = typed ?? '';
  input.value = '';
  ok.textContent = confirmLabel;
  ok.classList.toggle('danger', danger);
  ok.disabled = Boolean(typed);
  const onInput = () => {
    ok.disabled = input.value.trim() !== typed;
  };
  input.addEventListener('input', onInput);
  return new Promise((resolve) => {
    const cancel = document.getElementById('confirm-cancel');
    const form = document.getElementById('confirm-form');
    const done = (value) => {
      input.removeEventListener('input', onInput);
      cancel.removeEventListener('click', onCancel);
      form.removeEventListener('submit', onSubmit);
      dialog.removeEventListener('close', onClose);
      resolve(value);
    };
    const onCancel = () => dialog.close('cancel');
    // Submitted by the confirm button or Enter; never a navigation.
    const onSubmit = (e) => {
      e.preventDefault();
      if (!ok.disabled) dialog.close('ok');
    };
    const onClose = () => done(dialog.returnValue === 'ok' && (!typed || input.value.trim() === typed));
    cancel.addEventListener('click', onCancel);
    form.addEventListener('submit', onSubmit);
    dialog.addEventListener('close', onClose);
    dialog.returnValue = '';
    dialog.showModal();
    (typed ? input : cancel).focus();
  });
}

/** What a page gets to tie its timers and requests to its lifetime. */
export class Scope {
  constructor() {
    this.controller = new AbortController();
    this.timers = new Set();
  }

  /** Aborted when the page is left. */
  get signal() {
    return this.controller.signal;
  }

  get closed() {
    return this.controller.signal.aborted;
  }

  /**
   * Runs `fn` now and then every `ms` after each run finishes, until the page is left or
   * `fn` returns false. Errors are passed to `onError` (default: the status line).
   */
  every(ms, fn, onError = (err) => notify(describe(err), 'error')) {
    const tick = async () => {
      if (this.closed) return;
      let again = true;
      try {
        again = (await fn()) !== false;
      } catch (err) {
        if (err?.name === 'AbortError' || this.closed) return;
        onError(err);
        if (err instanceof ApiError && err.status === 401) return;
      }
      if (again && !this.closed) {
        const t = setTimeout(() => {
          this.timers.delete(t);
          void tick();
        }, ms);
        this.timers.add(t);
      }
    };
    void tick();
  }

  /** Runs `fn` once after `ms`, unless the page is left first. */
  later(ms, fn) {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) void fn();
    }, ms);
    this.timers.add(t);
  }

  /** Stops everything the page started. */
  close() {
    this.controller.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
