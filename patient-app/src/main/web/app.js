// The patient's view of their skin photos: images, choices, changing and withdrawing them (through
// the server's consent questionnaire and QuestionnaireResponse/$extract), and who used the photos.
import { connect } from "./server.js";

const IMAGE_USE = "https://dermconsent.org/fhir/CodeSystem/image-use";
const IDENTIFIABILITY = "https://dermconsent.org/fhir/CodeSystem/identifiability";
const QUESTIONNAIRE = "https://dermconsent.org/fhir/Questionnaire/derm-image-consent";
const PATIENT_FRIENDLY = "patient-friendly";
const CLIENT_ID_SYSTEM = "https://dermconsent.org/fhir/NamingSystem/client-id";
const IDENTIFIABILITIES = ["identifiable", "deidentified"];
const TASK_TYPE = "https://dermconsent.org/fhir/CodeSystem/task-type";
const PATIENT_ID = /^[A-Za-z0-9\-.]{1,64}$/;

const $ = selector => document.querySelector(selector);

let server;
let patientId;
let terms = { uses: new Map(), identifiability: new Map() };
let questionnaire;
let imageUrls = [];

main();

async function main() {
  try {
    server = await connect();
  } catch (e) {
    setStatus("");
    showError($("#error"), e);
    return;
  }
  if (server.demo) {
    $("#demo-banner").hidden = false;
    const form = $("#demo-patient");
    form.hidden = false;
    const remembered = sessionStorage.getItem("demo-patient");
    if (remembered && PATIENT_ID.test(remembered)) {
      $("#patient-id").value = remembered;
    }
    form.addEventListener("submit", event => {
      event.preventDefault();
      const id = $("#patient-id").value.trim();
      if (!PATIENT_ID.test(id)) {
        showError($("#error"), new Error("A patient id is 1 to 64 letters, digits, '-' or '.'."));
        return;
      }
      sessionStorage.setItem("demo-patient", id);
      show(id);
    });
    show($("#patient-id").value.trim());
  } else {
    show(server.patientId);
  }
  $("#questionnaire").addEventListener("submit", saveChoices);
  $("#withdraw-button").addEventListener("click", () => $("#withdraw-dialog").showModal());
  $("#withdraw-dialog").addEventListener("close", () => {
    if ($("#withdraw-dialog").returnValue === "confirm") {
      withdrawEverything();
    } else {
      $("#withdraw-button").focus();
    }
  });
}

let showing = Promise.resolve();

/**
 * Shows a patient's record. Calls run one after another: the loaders of an earlier call (the page's
 * default patient) must not fill the sections, or say "Up to date.", while a later one is loading.
 */
function show(id) {
  showing = showing.then(() => showNow(id), () => showNow(id));
  return showing;
}

async function showNow(id) {
  patientId = id;
  $("#error").hidden = true;
  $("#who").textContent = server.demo ? `Showing patient ${id} (demo mode)` : `Signed in as patient ${id}`;
  setStatus("Loading your photos and choices...");
  await loadTerms();
  await Promise.all([loadImages(), loadChoicesAndForm(), loadAudit(), loadRequests()]);
  setStatus("Up to date.");
}

function setStatus(text) {
  $("#status").textContent = text;
}

function showError(element, error) {
  element.textContent = error.message || String(error);
  element.hidden = false;
}

function sectionError(section, error) {
  const element = $(`#${section} .section-error`);
  if (error) {
    showError(element, error);
  } else {
    element.hidden = true;
    element.textContent = "";
  }
}

/** The code systems' texts written for patients (designation use patient-friendly). */
async function loadTerms() {
  try {
    const [uses, identifiability] = await Promise.all([codeSystem(IMAGE_USE), codeSystem(IDENTIFIABILITY)]);
    terms = { uses, identifiability };
  } catch (e) {
    showError($("#error"), new Error(`The explanations of the uses could not be loaded: ${e.message}`));
  }
}

async function codeSystem(url) {
  const bundle = await server.json(`CodeSystem?url=${encodeURIComponent(url)}`);
  const system = (bundle.entry || []).map(entry => entry.resource)[0];
  const concepts = new Map();
  const walk = list => (list || []).forEach(concept => {
    const friendly = (concept.designation || []).find(d => d.use && d.use.code === PATIENT_FRIENDLY);
    concepts.set(concept.code, { display: concept.display || concept.code, text: friendly ? friendly.value : "" });
    walk(concept.concept);
  });
  walk(system && system.concept);
  return concepts;
}

// ---- My images ----

async function loadImages() {
  const list = $("#images .gallery");
  imageUrls.forEach(url => URL.revokeObjectURL(url));
  imageUrls = [];
  list.replaceChildren();
  sectionError("images", null);
  try {
    const bundle = await server.json(`Media?subject=${encodeURIComponent("Patient/" + patientId)}&_count=50`);
    const images = (bundle.entry || []).map(entry => entry.resource).filter(r => r.resourceType === "Media");
    if (images.length === 0) {
      list.append(element("li", { class: "empty" }, "No photos of you are stored."));
      return;
    }
    for (const media of images) {
      list.append(await imageItem(media));
    }
  } catch (e) {
    sectionError("images", new Error(`Your photos could not be loaded: ${e.message}`));
  }
}

async function imageItem(media) {
  const label = identifiabilityOf(media);
  const title = (media.content && media.content.title) || (media.bodySite && media.bodySite.text) || "Skin photo";
  const when = media.createdDateTime ? formatDate(media.createdDateTime) : "date unknown";
  const figure = element("figure", {});
  const caption = element("figcaption", {}, `${title}, ${when} `,
    element("span", { class: "label" }, label === "deidentified" ? "cannot be recognised" : "might be recognised"));
  const img = element("img", { alt: `${title}, taken ${when}` });
  figure.append(img, caption);
  const item = element("li", { "data-media-id": media.id }, figure);
  try {
    img.src = await imageSource(media);
  } catch (e) {
    img.replaceWith(element("p", { class: "error" }, `This photo could not be shown: ${e.message}`));
  }
  return item;
}

async function imageSource(media) {
  const content = media.content || {};
  if (content.data) {
    return `data:${content.contentType || "image/jpeg"};base64,${content.data}`;
  }
  if (!content.url) {
    throw new Error("it has no picture");
  }
  const blob = await server.blob(content.url, content.contentType);
  const url = URL.createObjectURL(blob);
  imageUrls.push(url);
  return url;
}

function identifiabilityOf(media) {
  const label = ((media.meta && media.meta.security) || []).find(coding => coding.system === IDENTIFIABILITY);
  return label ? label.code : "identifiable"; // no label means identifiable, as on the server
}

// ---- My choices and changing them ----

async function loadChoicesAndForm() {
  sectionError("choices", null);
  sectionError("change", null);
  let decisions = new Map();
  try {
    decisions = await loadChoices();
  } catch (e) {
    sectionError("choices", new Error(`Your choices could not be loaded: ${e.message}`));
  }
  try {
    if (!questionnaire) {
      const bundle = await server.json(`Questionnaire?url=${encodeURIComponent(QUESTIONNAIRE)}`);
      questionnaire = (bundle.entry || []).map(entry => entry.resource)[0];
      if (!questionnaire) {
        throw new Error("the server has no consent questionnaire");
      }
    }
    renderQuestionnaire(decisions);
  } catch (e) {
    sectionError("change", new Error(`The questions could not be loaded: ${e.message}`));
  }
}

/** The summary as a grid of uses x identifiability; answers the decisions by "use/identifiability". */
async function loadChoices() {
  const summary = await server.json(`Patient/${encodeURIComponent(patientId)}/$image-consent-summary`);
  const decisions = new Map();
  let governing = null;
  for (const parameter of summary.parameter || []) {
    if (parameter.name === "governingConsent") {
      governing = parameter.valueReference && parameter.valueReference.reference;
    }
    if (parameter.name !== "grant") {
      continue;
    }
    const part = name => (parameter.part || []).find(p => p.name === name) || {};
    const use = part("purpose").valueCoding && part("purpose").valueCoding.code;
    const identifiability = part("identifiability").valueCoding && part("identifiability").valueCoding.code;
    decisions.set(`${use}/${identifiability}`, { decision: part("decision").valueCode, reason: part("reason").valueString });
  }
  const uses = [...new Set([...decisions.keys()].map(key => key.split("/")[0]))]
    .filter(use => use !== "secondary-use"); // a grouping of the five uses below it, each shown itself
  const body = $("#choices-grid tbody");
  body.replaceChildren();
  for (const use of uses) {
    const term = terms.uses.get(use) || { display: use, text: "" };
    const row = element("tr", { "data-use": use },
      element("th", { scope: "row" }, term.display, element("span", { class: "explain" }, term.text)));
    for (const identifiability of IDENTIFIABILITIES) {
      const grant = decisions.get(`${use}/${identifiability}`) || { decision: "deny", reason: "" };
      const permit = grant.decision === "permit";
      row.append(element("td", {
        class: permit ? "permit" : "deny",
        "data-grant": `${use}/${identifiability}`,
        "data-decision": grant.decision,
        title: grant.reason || "",
      }, permit ? "Allowed" : "Not allowed"));
    }
    body.append(row);
  }
  $("#governing").textContent = governing
    ? `These choices come from your consent ${governing}.`
    : "You have not given any choices yet: only your own care is allowed.";
  const explained = $("#identifiability-explained");
  explained.replaceChildren();
  for (const identifiability of IDENTIFIABILITIES) {
    const term = terms.identifiability.get(identifiability);
    if (term) {
      explained.append(element("dt", {}, identifiability === "identifiable"
        ? "Photo in which you might be recognised" : "Copy changed so you cannot be recognised"), element("dd", {}, term.text));
    }
  }
  return decisions;
}

/** The server's questionnaire as a form: one checkbox per question, grouped by use; the end date. */
function renderQuestionnaire(decisions) {
  const container = $("#questionnaire .questions");
  container.replaceChildren();
  const groups = new Map();
  for (const item of questionnaire.item || []) {
    if (item.type === "boolean") {
      const use = item.linkId.split("/")[0];
      if (!groups.has(use)) {
        const term = terms.uses.get(use) || { display: use, text: "" };
        const fieldset = element("fieldset", { "data-use": use }, element("legend", {}, term.display));
        groups.set(use, fieldset);
        container.append(fieldset);
      }
      const id = `q-${item.linkId.replace(/[^A-Za-z0-9-]/g, "-")}`;
      const checkbox = element("input", { type: "checkbox", id, name: item.linkId });
      const current = decisions.get(item.linkId);
      checkbox.checked = Boolean(current && current.decision === "permit");
      groups.get(use).append(element("div", { class: "question" }, checkbox, element("label", { for: id }, item.text)));
    } else if (item.type === "date") {
      const id = `q-${item.linkId}`;
      container.append(element("div", { class: "date-question" },
        element("label", { for: id }, item.text), element("br"),
        element("input", { type: "date", id, name: item.linkId })));
    }
    // the optional signature attachment is not collected by this app
  }
}

function answersFromForm() {
  const items = [];
  for (const item of questionnaire.item || []) {
    const input = document.getElementsByName(item.linkId)[0];
    if (!input) {
      continue;
    }
    if (item.type === "boolean") {
      items.push({ linkId: item.linkId, answer: [{ valueBoolean: input.checked }] });
    } else if (item.type === "date" && input.value) {
      items.push({ linkId: item.linkId, answer: [{ valueDate: input.value }] });
    }
  }
  return items;
}

/** Every question answered no: a consent that permits nothing beyond the patient's own care. */
function answersAllNo() {
  return (questionnaire.item || []).filter(item => item.type === "boolean")
    .map(item => ({ linkId: item.linkId, answer: [{ valueBoolean: false }] }));
}

async function saveChoices(event) {
  event.preventDefault();
  sectionError("change", null);
  await record(answersFromForm(), $("#save-choices"), "change", "Your new choices are saved and apply now.");
}

async function withdrawEverything() {
  sectionError("withdraw", null);
  await record(answersAllNo(), $("#withdraw-button"), "withdraw",
    "Everything is withdrawn: your photos are used only for your own care.");
}

/**
 * The answers as a QuestionnaireResponse, turned by the server ($extract) into the consent they
 * mean, then stored with it in one transaction; the new consent governs from then on.
 */
async function record(items, button, section, done) {
  if (!questionnaire) {
    sectionError(section, new Error("The questions are not loaded, so nothing can be saved."));
    return;
  }
  button.disabled = true;
  setStatus("Saving...");
  try {
    const response = {
      resourceType: "QuestionnaireResponse",
      questionnaire: questionnaire.url,
      status: "completed",
      subject: { reference: `Patient/${patientId}` },
      authored: new Date().toISOString(),
      item: items,
    };
    const transaction = await server.json("QuestionnaireResponse/$extract", { method: "POST", body: response });
    await server.json("", { method: "POST", body: transaction });
    await loadChoicesAndForm();
    setStatus(done);
    $("#choices-title").setAttribute("tabindex", "-1");
    $("#choices-title").focus();
  } catch (e) {
    setStatus("Not saved.");
    sectionError(section, new Error(`Your choices were not saved: ${e.message}`));
  } finally {
    button.disabled = false;
  }
}

// ---- Open requests (consent requests addressed to the patient) ----

async function loadRequests() {
  const list = $("#requests .requests");
  list.replaceChildren();
  sectionError("requests", null);
  try {
    const bundle = await server.json(`Task?for=${encodeURIComponent("Patient/" + patientId)}`
      + `&code=${encodeURIComponent(TASK_TYPE + "|consent-request")}&status=requested&_count=50`);
    const requests = (bundle.entry || []).map(entry => entry.resource).filter(r => r.resourceType === "Task");
    if (requests.length === 0) {
      list.append(element("li", { class: "empty" }, "Nobody is asking you anything right now."));
      return;
    }
    for (const task of requests) {
      list.append(await requestItem(task));
    }
  } catch (e) {
    sectionError("requests", new Error(`Your open requests could not be loaded: ${e.message}`));
  }
}

function inputOf(task, code) {
  return (task.input || []).filter(input => ((input.type && input.type.coding) || [])
    .some(coding => coding.system === TASK_TYPE && coding.code === code));
}

/** One request: who asks, why, for what, until when, which photos (thumbnails), and the two answers. */
async function requestItem(task) {
  const purpose = (inputOf(task, "purpose")[0] || {}).valueCoding || {};
  const identifiability = ((inputOf(task, "identifiability")[0] || {}).valueCoding || {}).code;
  const period = (inputOf(task, "period")[0] || {}).valuePeriod;
  const images = inputOf(task, "image").map(input => input.valueReference && input.valueReference.reference).filter(Boolean);
  const requester = (task.requester && (task.requester.display || task.requester.reference)) || "someone";
  const use = terms.uses.get(purpose.code) || { display: purpose.code || "an unnamed use", text: "" };
  const titleId = `request-${task.id}-title`;
  const facts = element("dl", {},
    element("dt", {}, "Who asks"), element("dd", {}, requester.replace(/^Device\//, "")),
    element("dt", {}, "For"), element("dd", {}, use.display, use.text ? element("span", { class: "explain" }, use.text) : ""),
    element("dt", {}, "Which copies"), element("dd", {}, identifiability === "deidentified"
      ? "only copies changed so that you cannot be recognised"
      : identifiability === "identifiable" ? "photos in which you might be recognised" : "your photos as they are"),
    element("dt", {}, "Until"), element("dd", {}, period && period.end ? formatDate(period.end) : "no end date given"),
    element("dt", {}, "Answer by"), element("dd", {}, task.restriction && task.restriction.period && task.restriction.period.end
      ? formatDate(task.restriction.period.end) : "no deadline"));
  const gallery = element("ul", { class: "gallery request-images" });
  if (images.length === 0) {
    gallery.append(element("li", { class: "empty" }, "All your photos, also ones taken later."));
  } else {
    for (const reference of images) {
      gallery.append(await requestImage(reference));
    }
  }
  const permit = element("button", { type: "button", class: "permit", "data-decision": "permit" }, "Allow");
  const deny = element("button", { type: "button", class: "deny", "data-decision": "deny" }, "Decline");
  const item = element("li", { class: "request", "data-task-id": task.id, "aria-labelledby": titleId },
    element("h3", { id: titleId }, `${requester.replace(/^Device\//, "")} asks to use your photos for ${use.display.toLowerCase()}`),
    element("p", { class: "reason" }, task.description || "(no reason given)"),
    facts, gallery, element("div", { class: "answers" }, permit, deny),
    element("p", { class: "request-error error", role: "alert", hidden: "" }));
  permit.addEventListener("click", () => respond(task, "permit", item));
  deny.addEventListener("click", () => respond(task, "deny", item));
  return item;
}

async function requestImage(reference) {
  const figure = element("figure", {});
  const item = element("li", { "data-media": reference }, figure);
  try {
    const media = await server.json(reference);
    const img = element("img", { alt: (media.content && media.content.title) || "Requested photo" });
    figure.append(img);
    img.src = await imageSource(media);
  } catch (e) {
    figure.append(element("p", { class: "error" }, `This photo could not be shown: ${e.message}`));
  }
  return item;
}

/** The patient's answer; allowing writes a new consent on the server, so the choices are reloaded. */
async function respond(task, decision, item) {
  const buttons = item.querySelectorAll(".answers button");
  buttons.forEach(button => { button.disabled = true; });
  const error = item.querySelector(".request-error");
  error.hidden = true;
  setStatus("Sending your answer...");
  try {
    await server.json(`Task/${encodeURIComponent(task.id)}/$respond`, { method: "POST",
      body: { resourceType: "Parameters", parameter: [{ name: "decision", valueCode: decision }] } });
    await Promise.all([loadRequests(), loadChoicesAndForm()]);
    setStatus(decision === "permit" ? "You allowed the request. Your choices below include it."
      : "You declined the request.");
    $("#requests-title").setAttribute("tabindex", "-1");
    $("#requests-title").focus();
  } catch (e) {
    setStatus("Your answer was not sent.");
    showError(error, new Error(`Your answer was not sent: ${e.message}`));
    buttons.forEach(button => { button.disabled = false; });
  }
}

// ---- Who used my images ----

async function loadAudit() {
  const body = $("#audit-table tbody");
  body.replaceChildren();
  sectionError("audit", null);
  try {
    const bundle = await server.json(
      `AuditEvent?patient=${encodeURIComponent("Patient/" + patientId)}&_sort=-date&_count=50`);
    const events = (bundle.entry || []).map(entry => entry.resource).filter(r => r.resourceType === "AuditEvent");
    if (events.length === 0) {
      body.append(element("tr", {}, element("td", { colspan: "5" }, "Nobody outside your care team has used your photos.")));
      return;
    }
    for (const event of events) {
      body.append(auditRow(event));
    }
  } catch (e) {
    sectionError("audit", new Error(`The list of uses could not be loaded: ${e.message}`));
  }
}

function auditRow(event) {
  const application = (event.agent || []).find(agent => agent.who && agent.who.identifier
    && agent.who.identifier.system === CLIENT_ID_SYSTEM);
  const client = application ? application.who.identifier.value : "unknown program";
  const purposes = (event.purposeOfEvent || []).flatMap(p => p.coding || [])
    .filter(coding => coding.system === IMAGE_USE)
    .map(coding => (terms.uses.get(coding.code) || { display: coding.code }).display);
  const images = (event.entity || [])
    .filter(entity => entity.role && entity.role.code === "4" && entity.what)
    .map(entity => entity.what.reference || entity.what.display || "")
    .filter(Boolean);
  const result = event.outcome === "0" ? "Received" : "Refused";
  return element("tr", { "data-client": client },
    element("td", {}, event.recorded ? formatDateTime(event.recorded) : ""),
    element("td", {}, client === "anonymous" ? "a program without sign-in (demo mode)" : client),
    element("td", {}, purposes.join(", ") || "unknown"),
    element("td", {}, images.join(", ")),
    element("td", {}, result));
}

// ---- helpers ----

function element(name, attributes, ...children) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes || {})) {
    node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function formatDate(text) {
  const date = new Date(text);
  return isNaN(date) ? text : date.toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" });
}

function formatDateTime(text) {
  const date = new Date(text);
  return isNaN(date) ? text : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
