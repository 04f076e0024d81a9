// The connection to the DermConsent server: SMART standalone launch (PKCE) when the server wants
// tokens, the labelled demo mode when it does not. Every request goes to this server only.

/** SMART scopes the app asks for: read the patient's own record, write their consents (and the
 * questionnaire answers they come from), read the bytes of their own images. */
export const SCOPE = "openid fhirUser launch/patient patient/Patient.rs patient/Media.rs patient/Binary.r "
  + "patient/Consent.cruds patient/QuestionnaireResponse.cr patient/AuditEvent.rs patient/Task.rs";

/** A failed request, with the server's own words (its OperationOutcome) when it gave any. */
export class ServerError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Connects to the server as the config says: SMART (which may leave this page for the login and
 * come back) or demo mode. Resolves to a connection, or never when it has gone to the login page.
 */
export async function connect() {
  const response = await fetch("config.json", { cache: "no-store" });
  if (!response.ok) {
    throw new ServerError(response.status, `The app's configuration could not be read (HTTP ${response.status}).`);
  }
  const config = await response.json();
  const base = new URL(config.fhirBase || "/fhir", window.location.href).href.replace(/\/$/, "");
  if (!config.security) {
    return new Connection(base, null, null);
  }
  if (!window.FHIR) {
    throw new Error("The SMART client library did not load.");
  }
  const client = await window.FHIR.oauth2.init({
    iss: base,
    clientId: config.clientId,
    scope: SCOPE,
    // the app's directory, as registered (exactly) with the authorization server
    redirectUri: new URL("./", window.location.href).href,
    pkceMode: "required",
  });
  return new Connection(base, client, patientOf(client));
}

/**
 * The patient of the login: SMART's token-response parameter when the authorization server sends
 * it, else the access token's own {@code patient} claim (Keycloak puts it only there by default).
 */
function patientOf(client) {
  const fromResponse = client.state.tokenResponse && client.state.tokenResponse.patient;
  if (fromResponse) {
    return String(fromResponse);
  }
  const token = client.state.tokenResponse && client.state.tokenResponse.access_token;
  const claims = token ? decodeJwtPayload(token) : {};
  if (!claims.patient) {
    throw new Error("Your login does not say which patient you are. Ask your clinic to link your account to your patient record.");
  }
  return String(claims.patient);
}

function decodeJwtPayload(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const padded = part + "===".slice((part.length + 3) % 4);
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(padded), c => c.charCodeAt(0))));
  } catch (e) {
    return {};
  }
}

class Connection {
  constructor(base, client, patientId) {
    this.base = base;
    this.client = client;
    this.patientId = patientId;
  }

  get demo() {
    return this.client === null;
  }

  /** JSON from the FHIR API (a path relative to the base, or an absolute URL the server gave). */
  async json(path, { method = "GET", body } = {}) {
    const headers = { Accept: "application/fhir+json" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/fhir+json";
    }
    const response = await this.fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return response.json();
  }

  /** Image bytes as a blob (an image's Binary, read with this login like any other resource). */
  async blob(path, contentType) {
    const response = await this.fetch(path, { headers: { Accept: contentType || "image/*" } });
    return response.blob();
  }

  async fetch(path, init) {
    const url = /^https?:/.test(path) ? path : path ? `${this.base}/${path}` : this.base;
    if (!url.startsWith(this.base + "/") && url !== this.base) {
      throw new Error(`Refusing to send a request outside this server: ${url}`);
    }
    const headers = { ...(init.headers || {}) };
    if (this.client) {
      if (this.client.state.tokenResponse && this.client.state.tokenResponse.refresh_token) {
        await this.client.refreshIfNeeded();
      }
      headers.Authorization = this.client.getAuthorizationHeader();
    }
    let response;
    try {
      response = await fetch(url, { ...init, headers });
    } catch (e) {
      throw new ServerError(0, "The server could not be reached. Check your connection and try again.");
    }
    if (!response.ok) {
      throw new ServerError(response.status, await explain(response));
    }
    return response;
  }
}

/** The diagnostics of an OperationOutcome, or the status when there are none. */
async function explain(response) {
  let text = "";
  try {
    const outcome = await response.json();
    text = (outcome.issue || []).map(issue => issue.diagnostics || (issue.details && issue.details.text) || "")
      .filter(Boolean).join(" ");
  } catch (e) {
    // not JSON: the status says enough
  }
  const what = response.status === 401 ? "You are not signed in (anymore)."
    : response.status === 403 ? "You are not allowed to do this."
      : response.status === 404 ? "Not found."
        : `The server answered ${response.status}.`;
  return text ? `${what} ${text}` : what;
}
