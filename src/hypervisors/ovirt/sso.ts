/**
 * oVirt single sign-on: the Resource Owner Password grant at /ovirt-engine/sso/oauth/token
 * (scope `ovirt-app-api`, JSON answer) and token revocation at /ovirt-engine/services/sso-logout.
 * The SSO service reports failures as `{error, error_description}` (OpenID style) or
 * `{error_code, error}` (the engine's own), both handled here.
 */
import { HvAuthError, HvConfigError, HvTransientError } from '../errors.js';
import type { HttpTransport } from './http.js';

const SCOPE = 'ovirt-app-api';

/** Engine credentials; the password never leaves this module except in the form body. */
export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** Asks the SSO service for a bearer token. */
export async function requestToken(transport: HttpTransport, origin: string, creds: Credentials): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'password', scope: SCOPE, username: creds.user, password: creds.password });
  const res = await transport.send({
    method: 'POST',
    url: new URL('/ovirt-engine/sso/oauth/token', origin),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: form.toString(),
  });
  const json = parseJson(res.body);
  if (res.status >= 500) {
    throw new HvTransientError(`ovirt: SSO login at ${origin} failed: HTTP ${res.status}`, { platform: 'ovirt', platformCode: String(res.status) });
  }
  if (!json) {
    // An HTML page here means the URL does not point at an engine.
    throw new HvConfigError(`ovirt: ${origin}/ovirt-engine/sso/oauth/token answered HTTP ${res.status} without JSON (is the url the engine's?)`, {
      platform: 'ovirt',
      platformCode: String(res.status),
    });
  }
  const err = ssoError(json);
  if (err || res.status !== 200 || typeof json.access_token !== 'string') {
    const code = err?.code ?? String(res.status);
    const said = err?.message ?? 'no access_token in the answer';
    throw new HvAuthError(`ovirt: login as ${creds.user} at ${origin} refused: ${code}: ${said}`, {
      platform: 'ovirt',
      platformCode: code,
      platformMessage: said,
    });
  }
  return json.access_token;
}

/** Revokes a token; failures are reported but leave nothing to clean up. */
export async function revokeToken(transport: HttpTransport, origin: string, token: string): Promise<void> {
  const res = await transport.send({
    method: 'POST',
    url: new URL('/ovirt-engine/services/sso-logout', origin),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ scope: SCOPE, token }).toString(),
  });
  const json = parseJson(res.body);
  const err = json ? ssoError(json) : null;
  if (err || res.status >= 400) {
    throw new HvAuthError(`ovirt: logout at ${origin} failed: ${err ? `${err.code}: ${err.message}` : `HTTP ${res.status}`}`, {
      platform: 'ovirt',
      platformCode: err?.code ?? String(res.status),
      platformMessage: err?.message,
    });
  }
}

type SsoJson = Record<string, unknown>;

function parseJson(body: string): SsoJson | null {
  try {
    const v = JSON.parse(body) as unknown;
    // The SDK notes some engines wrap the answer in a one-element list.
    const obj = Array.isArray(v) ? (v[0] as unknown) : v;
    return typeof obj === 'object' && obj !== null ? (obj as SsoJson) : null;
  } catch {
    return null;
  }
}

/** The SSO error in either of its two shapes, or null. */
export function ssoError(json: SsoJson): { code: string; message: string } | null {
  if (typeof json.error !== 'string' && typeof json.error_code !== 'string') return null;
  if ('error_description' in json) return { code: String(json.error), message: String(json.error_description) };
  return { code: String(json.error_code ?? 'error'), message: String(json.error ?? '') };
}
