#!/usr/bin/env python3
"""Consent-filtered search benchmark for DermConsent (driven by bench/consent.sh).

  generate  builds a seeded population (patients, derm image Consents, derm Media), ingests it with
            transaction Bundles and writes the expected outcome of every image to a state file
  measure   times Media searches for purpose ai-training per cohort, walks every page, checks the
            results against the generator's expectation; in phase "filtered" also measures how fast
            a consent grant and its withdrawal become visible to search
  report    prints the comparison table and all figures as JSON
  measure-postfilter  the post-filter peer (bench/postfilter-baseline): first page that shows a
            permitted image, a walk through its empty pages, what it answers for totals
  compare   DermConsent against the post-filter peer on the same population, one table

Cohorts are selected with the Media tag urn:dermconsent:bench|<cohort>:
  cohort-100, cohort-10, cohort-1  ai-training is permitted for exactly round(N% of the cohort's
                                   patients) patients, covering all of their images; the others have
                                   no consent, a consent for other uses, an inactive ai-training
                                   consent, or an ai-training consent superseded by a newer one
  study                            the bulk: choices follow the JAMA Dermatology survey (de-identified
                                   ai-training 54.6%, education 62.0%, publication and conference
                                   45.3%; identifiable grants scaled by 21.1/84.9), some patients
                                   have no consent at all

Python 3 standard library only. Talks to 127.0.0.1 / localhost only.
"""
import argparse
import concurrent.futures
import datetime
import http.client
import json
import math
import os
import random
import statistics
import sys
import threading
import time
import urllib.parse
import uuid

BENCH_TAG = "urn:dermconsent:bench"
IDENTIFIABILITY = "https://dermconsent.org/fhir/CodeSystem/identifiability"
IMAGE_USE = "https://dermconsent.org/fhir/CodeSystem/image-use"
IMAGE_TYPE = "https://dermconsent.org/fhir/CodeSystem/image-type"
SD = "https://dermconsent.org/fhir/StructureDefinition/"
OBSERVATION_VALUE = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
PURPOSE = "ai-training"
PAGE = 50
# enforcement on/off x audit on/off; "filtered" also measures consent changes and cache isolation
PHASES = ("filtered", "unfiltered", "audit-off", "unfiltered-audit-off")

STUDY_P_DEIDENTIFIED = {"ai-training": 0.546, "education": 0.620, "publication": 0.453, "conference": 0.453}
IDENTIFIABLE_SCALE = 21.1 / 84.9
STUDY_P_NO_CONSENT = 0.20
P_IDENTIFIABLE = 0.70
COHORTS = [("cohort-100", 100), ("cohort-10", 10), ("cohort-1", 1)]
MEASURED = [c for c, _ in COHORTS] + ["study"]

# A 4x4 baseline JPEG (made with javax.imageio, as TestImages.jpeg(4, 4)); the same bytes for every image.
JPEG_B64 = (
    "/9j/4AAQSkZJRgABAgAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5"
    "PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAAR"
    "CAAEAAQDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEG"
    "E1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWG"
    "h4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEB"
    "AQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYk"
    "NOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0"
    "tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDLsvDOl/ZV/cUUUVpOrU5n7z+85cPXq+yj"
    "7z27n//Z")

BODY_SITES = [("77568009", "Structure of back of trunk"), ("22943007", "Trunk structure")]
KINDS = {  # how a cohort patient who is not granted ai-training got there
    "none": 0.4, "other-uses": 0.4, "inactive-ai": 0.1, "superseded-ai": 0.1}


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- HTTP

class ServerError(Exception):
    def __init__(self, method, url, status, body):
        self.status = status
        super().__init__(f"{method} {url} -> HTTP {status}\n{describe_outcome(body)}")


def describe_outcome(body):
    try:
        doc = json.loads(body)
    except (ValueError, TypeError):
        return "  (non-JSON body) " + (body[:2000].decode("utf-8", "replace") if isinstance(body, bytes) else str(body))
    if doc.get("resourceType") == "OperationOutcome":
        return "\n".join(f"  OperationOutcome {i.get('severity')}/{i.get('code')}: {i.get('diagnostics')}"
                         + (f" at {i.get('location') or i.get('expression')}" if i.get("location") or i.get("expression") else "")
                         for i in doc.get("issue", [])) or "  (empty OperationOutcome)"
    if doc.get("resourceType") == "Bundle":  # failed transaction entries
        lines = [f"  entry {n}: {e['response'].get('status')} {describe_outcome(json.dumps(e['response'].get('outcome', {})))}"
                 for n, e in enumerate(doc.get("entry", [])) if not e.get("response", {}).get("status", "2").startswith("2")]
        return "\n".join(lines) or json.dumps(doc)[:2000]
    return json.dumps(doc)[:2000]


class Client:
    """One keep-alive connection per thread, to 127.0.0.1 only."""

    def __init__(self, base, timeout):
        parts = urllib.parse.urlsplit(base)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"refusing to talk to {parts.hostname}: this benchmark only uses the loopback interface")
        self.host, self.port = parts.hostname, parts.port or 80
        self.base_path = parts.path.rstrip("/")
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.local = threading.local()

    def _connection(self, fresh=False):
        c = getattr(self.local, "conn", None)
        idle = time.monotonic() - getattr(self.local, "last", 0)
        if c is None or fresh or idle > 5:
            if c is not None:
                c.close()
            c = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return c

    def path_of(self, url):
        """A server-given absolute link as a path on our base (links may name another host alias)."""
        if url.startswith("http://") or url.startswith("https://"):
            p = urllib.parse.urlsplit(url)
            return p.path + ("?" + p.query if p.query else "")
        return url if url.startswith("/") else self.base_path + "/" + url

    def request(self, method, path, body=None, headers=None, timeout=None):
        """Returns (parsed JSON, seconds). Raises ServerError on non-2xx."""
        path = self.path_of(path)
        hdrs = {"Accept": "application/fhir+json"}
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":")).encode()
            hdrs["Content-Type"] = "application/fhir+json"
        hdrs.update(headers or {})
        for attempt in (1, 2):
            conn = self._connection(fresh=attempt == 2)
            if timeout:
                conn.timeout = timeout
                if conn.sock:
                    conn.sock.settimeout(timeout)
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=data, headers=hdrs)
                resp = conn.getresponse()
                raw = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                conn.close()
                self.local.conn = None
                if attempt == 1 and method == "GET":
                    continue  # stale keep-alive connection; GET is safe to repeat
                raise ServerError(method, path, "connection failed", str(e).encode()) from e
            except Exception:
                conn.close()
                self.local.conn = None
                raise
            elapsed = time.perf_counter() - t0
            self.local.last = time.monotonic()
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                self.local.conn = None
            if not 200 <= resp.status < 300:
                raise ServerError(method, path, resp.status, raw)
            return (json.loads(raw) if raw else None), elapsed
        raise AssertionError("unreachable")


# ---------------------------------------------------------------- population

def coding(system, code):
    return {"coding": [{"system": system, "code": code}]}


def consent_json(patient_ref, status, date_time, permits):
    """permits: list of (purposes, labels or None); labels None = both identifiabilities."""
    nested = []
    for purposes, labels in permits:
        p = {"type": "permit", "purpose": [{"system": IMAGE_USE, "code": c} for c in purposes]}
        if labels:
            p["securityLabel"] = [{"system": IDENTIFIABILITY, "code": c} for c in labels]
        nested.append(p)
    provision = {"type": "deny"}
    if nested:
        provision["provision"] = nested
    return {
        "resourceType": "Consent", "status": status,
        "scope": coding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
        "category": [coding("http://loinc.org", "59284-0"),
                     coding("https://dermconsent.org/fhir/CodeSystem/consent-category", "derm-image-use")],
        "patient": {"reference": patient_ref}, "dateTime": date_time,
        "policyRule": coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN"),
        "provision": provision}


def media_json(patient_ref, cohort, img, source_ref):
    security = [{"system": IDENTIFIABILITY, "code": img["ident"]}]
    extension = [{"url": SD + "image-type", "valueCodeableConcept": coding(IMAGE_TYPE, img["itype"])}]
    if img["ident"] == "deidentified":
        security.append({"system": OBSERVATION_VALUE, "code": "PSEUDED"})
        extension.append({"url": SD + "derived-from-media", "valueReference": {"reference": source_ref}})
    site = BODY_SITES[img["site"]]
    return {
        "resourceType": "Media",
        "meta": {"tag": [{"system": BENCH_TAG, "code": cohort}], "security": security},
        "extension": extension,
        "status": "completed",
        "type": coding("http://terminology.hl7.org/CodeSystem/media-type", "image"),
        "modality": coding("http://dicom.nema.org/resources/ontology/DCM", img["modality"]),
        "subject": {"reference": patient_ref},
        "createdDateTime": img["created"],
        "bodySite": {"coding": [{"system": "http://snomed.info/sct", "code": site[0], "display": site[1]}]},
        "content": {"contentType": "image/jpeg", "data": JPEG_B64}}


def permitted(consents, purpose, ident):
    """The generator's own reading of DESIGN.md section 3 for a purpose other than clinical-care."""
    active = [c for c in consents if c["status"] == "active"]
    if not active:
        return False
    governing = max(active, key=lambda c: c["dateTime"])
    return any(purpose in purposes and (labels is None or ident in labels) for purposes, labels in governing["permits"])


def pick(rng, weights):
    r, acc = rng.random(), 0.0
    for k, w in weights.items():
        acc += w
        if r < acc:
            return k
    return k


def build_population(n_images, per_patient, seed, cohort_share):
    rng = random.Random(seed)
    uid = lambda: "urn:uuid:" + str(uuid.UUID(int=rng.getrandbits(128), version=4))
    n_patients = math.ceil(n_images / per_patient)
    full = n_images // per_patient  # patients with exactly per_patient images
    per_cohort = int(full * cohort_share)
    if per_cohort * len(COHORTS) > full:
        raise SystemExit("cohort share too large")
    patients = []
    for i in range(n_patients):
        n = per_patient if i < full else n_images - full * per_patient
        c = i // per_cohort if per_cohort and i < per_cohort * len(COHORTS) else None
        patients.append({"n": i, "cohort": COHORTS[c][0] if c is not None else "study", "images": n})
    for c, (name, pct) in enumerate(COHORTS):
        members = patients[c * per_cohort:(c + 1) * per_cohort]
        granted = set(rng.sample(range(len(members)), min(len(members), max(1, round(len(members) * pct / 100))))) if members else set()
        for j, p in enumerate(members):
            p["kind"] = "granted" if j in granted else pick(rng, KINDS)
    for p in patients:
        p["full"] = uid()
        p["identifier"] = f"bench-{p['n']:07d}"
        if p["cohort"] == "study":
            p["kind"] = "none" if rng.random() < STUDY_P_NO_CONSENT else "study"
        kind, consents = p["kind"], []
        if kind == "granted":
            extra = ["education"] if rng.random() < 0.5 else []
            consents.append({"status": "active", "dateTime": "2025-03-01T10:00:00Z", "permits": [(["ai-training"] + extra, None)]})
        elif kind == "other-uses":
            consents.append({"status": "active", "dateTime": "2025-03-01T10:00:00Z",
                             "permits": [(["education", "publication"], ["deidentified"])]})
        elif kind == "inactive-ai":
            consents.append({"status": "inactive", "dateTime": "2025-03-01T10:00:00Z", "permits": [(["ai-training"], None)]})
        elif kind == "superseded-ai":
            consents.append({"status": "active", "dateTime": "2024-06-01T10:00:00Z", "permits": [(["ai-training"], None)]})
            consents.append({"status": "active", "dateTime": "2025-03-01T10:00:00Z", "permits": [(["education"], ["deidentified"])]})
        elif kind == "study":
            both, deid_only = [], []
            for purpose, prob in STUDY_P_DEIDENTIFIED.items():
                if rng.random() < prob:
                    (both if rng.random() < IDENTIFIABLE_SCALE else deid_only).append(purpose)
            permits = ([(both, None)] if both else []) + ([(deid_only, ["deidentified"])] if deid_only else [])
            day = 1 + rng.randrange(28)
            consents.append({"status": "active", "dateTime": f"2025-{1 + rng.randrange(12):02d}-{day:02d}T09:00:00Z", "permits": permits})
        p["consents"] = consents
        images = []
        for k in range(p["images"]):
            sources = [j for j, im in enumerate(images) if im["ident"] == "identifiable"]
            ident = "identifiable" if not sources or rng.random() < P_IDENTIFIABLE else "deidentified"
            img = {"full": uid(), "ident": ident, "site": rng.randrange(len(BODY_SITES)),
                   "created": f"2025-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}T1{rng.randrange(10)}:00:00Z"}
            if ident == "identifiable":
                img["modality"], img["itype"] = ("XC", "clinical-overview") if rng.random() < 0.6 else ("DMS", "dermoscopic")
            else:
                src = images[rng.choice(sources)]
                img["source"] = src["full"]
                img["modality"], img["itype"] = src["modality"], src["itype"]
            img["permitted"] = permitted(consents, PURPOSE, ident)
            images.append(img)
        p["media"] = images
    rng.shuffle(patients)  # interleave cohorts, as real ingestion would
    return patients


def bundles_of(patients, max_entries, stage):
    """Patients with their consents first (as an EHR registers them), then their images (as imaging
    devices send them later); the images of one patient stay in one bundle, derivatives with sources."""
    batch, entries = [], 0
    for p in patients:
        size = 1 + len(p["consents"]) if stage == "people" else len(p["media"])
        if size == 0:
            continue
        if batch and entries + size > max_entries:
            yield batch
            batch, entries = [], 0
        batch.append(p)
        entries += size
    if batch:
        yield batch


def transaction(batch, stage):
    entries, targets = [], []
    for p in batch:
        if stage == "people":
            entries.append({"fullUrl": p["full"], "resource": {
                "resourceType": "Patient", "identifier": [{"system": BENCH_TAG + ":patient", "value": p["identifier"]}],
                "meta": {"tag": [{"system": BENCH_TAG, "code": p["cohort"]}]}},
                "request": {"method": "POST", "url": "Patient"}})
            targets.append(("patient", p))
            for c in p["consents"]:
                entries.append({"fullUrl": "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, p["full"] + c["dateTime"])),
                                "resource": consent_json(p["full"], c["status"], c["dateTime"], c["permits"]),
                                "request": {"method": "POST", "url": "Consent"}})
                targets.append(("consent", c))
            continue
        for img in p["media"]:
            entries.append({"fullUrl": img["full"],
                            "resource": media_json("Patient/" + p["id"], p["cohort"], img, img.get("source")),
                            "request": {"method": "POST", "url": "Media"}})
            targets.append(("media", img))
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}, targets


def generate(args):
    client = Client(args.base, args.timeout)
    t0 = time.perf_counter()
    patients = build_population(args.images, args.per_patient, args.seed, args.cohort_share)
    log(f"generated {len(patients)} patients / {args.images} images in {time.perf_counter() - t0:.1f} s; ingesting"
        f" with {args.threads} threads, <= {args.bundle_entries} entries per transaction")
    done, lock, latencies = [0], threading.Lock(), {"people": [], "images": []}
    retried = []

    def ingest(batch, stage, batches, start):
        bundle, targets = transaction(batch, stage)
        for attempt in range(args.retries + 1):
            try:
                resp, secs = client.request("POST", "/fhir", bundle, timeout=args.ingest_timeout)
                break
            except ServerError as e:
                # a failed transaction is rolled back as a whole, so it is safe to send again; the
                # retries are reported, and the counts are verified after ingest
                if attempt == args.retries or not (isinstance(e.status, int) and e.status >= 500):
                    raise
                with lock:
                    retried.append(str(e).splitlines()[-1].strip()[:400])
                log(f"  transaction failed (attempt {attempt + 1}), retrying: {str(e).splitlines()[-1].strip()[:300]}")
                time.sleep(1)
        if len(resp.get("entry", [])) != len(targets):
            raise SystemExit(f"transaction response has {len(resp.get('entry', []))} entries, expected {len(targets)}")
        for (what, obj), e in zip(targets, resp["entry"]):
            loc = e.get("response", {}).get("location", "")
            parts = loc.split("/")
            if len(parts) < 2 or not e["response"].get("status", "").startswith("201"):
                raise SystemExit(f"unexpected transaction entry response {e.get('response')}")
            obj["id"] = loc.split("/_history")[0].split("/")[-1]
        with lock:
            latencies[stage].append(secs)
            if stage == "images":
                done[0] += sum(len(p["media"]) for p in batch)
                if len(latencies[stage]) % max(1, len(batches) // 10) == 0:
                    el = time.perf_counter() - start
                    log(f"  {done[0]}/{args.images} images, {done[0] / el:.0f} images/s")

    def run_stage(stage):
        batches = list(bundles_of(patients, args.bundle_entries, stage))
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
            futures = [pool.submit(ingest, b, stage, batches, start) for b in batches]
            for f in concurrent.futures.as_completed(futures):
                try:
                    f.result()
                except BaseException as e:
                    for g in futures:
                        g.cancel()
                    log(f"ingest failed: {e}")
                    raise SystemExit(1)
        return time.perf_counter() - start, len(batches)

    people_wall, people_bundles = run_stage("people")
    log(f"  patients and consents stored in {people_wall:.1f} s ({people_bundles} transactions)")
    images_wall, image_bundles = run_stage("images")
    wall = people_wall + images_wall

    # every image arrived exactly once? (no purpose header = clinical-care, which sees every image)
    verified, verify_error = {}, None
    for name in MEASURED if args.verify else []:
        try:
            b, _ = client.request("GET", search_url(name, "&_summary=count"), headers={"Cache-Control": "no-cache"})
            verified[name] = b.get("total")
        except ServerError as e:
            verified[name], verify_error = None, str(e)
            log(f"could not verify stored counts (clinical-care search): {e}")

    state = {"seed": args.seed, "images": args.images, "per_patient": args.per_patient, "cohorts": {}, "media": {},
             "change_candidates": []}
    for name in MEASURED:
        state["cohorts"][name] = {"total": 0, "permitted": 0, "patients": 0, "granted_patients": 0}
    for p in patients:
        s = state["cohorts"][p["cohort"]]
        s["patients"] += 1
        s["granted_patients"] += p["kind"] == "granted"
        for img in p["media"]:
            s["total"] += 1
            s["permitted"] += img["permitted"]
            state["media"][img["id"]] = [p["cohort"], p["kind"], img["ident"], img["permitted"], p["id"]]
        if p["cohort"] == "cohort-1" and p["kind"] in ("none", "other-uses") and p["images"] > 0:
            state["change_candidates"].append({"patient": p["id"], "kind": p["kind"], "images": [m["id"] for m in p["media"]]})
    state["change_candidates"].sort(key=lambda c: (c["kind"] != "none", int(c["patient"]) if c["patient"].isdigit() else 0))
    results = {"ingest": {
        "images": args.images, "patients": len(patients), "consents": sum(len(p["consents"]) for p in patients),
        "bundles": people_bundles + image_bundles, "threads": args.threads, "seconds": round(wall, 2),
        "people_seconds": round(people_wall, 2), "image_seconds": round(images_wall, 2),
        "images_per_s": round(args.images / images_wall, 1), "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "resources_per_s": round(sum(1 + len(p["consents"]) + len(p["media"]) for p in patients) / wall, 1),
        "bundle_median_ms": round(statistics.median(latencies["images"]) * 1000, 1),
        "bundle_max_ms": round(max(latencies["images"]) * 1000, 1),
        "retried_transactions": len(retried), "retry_errors": sorted(set(retried))[:5],
        "stored_per_cohort": verified,
        "stored_ok": all(verified[n] == state["cohorts"][n]["total"] for n in MEASURED) if args.verify else None,
        "stored_verify_error": verify_error}}
    results["population"] = {k: v for k, v in state["cohorts"].items()}
    with open(args.state, "w") as f:
        json.dump(state, f)
    merge_results(args.results, results)
    log(f"ingested {args.images} images in {images_wall:.1f} s: {args.images / images_wall:.0f} images/s"
        f" (patients and consents before them: {people_wall:.1f} s);"
        f" {len(retried)} transactions retried; stored per cohort {verified}"
        f" -> {'not verified (--no-verify)' if results['ingest']['stored_ok'] is None else 'OK' if results['ingest']['stored_ok'] else 'MISMATCH'}")


# ---------------------------------------------------------------- measurement

def merge_results(path, update):
    try:
        with open(path) as f:
            doc = json.load(f)
    except FileNotFoundError:
        doc = {}
    for k, v in update.items():
        if isinstance(v, dict) and isinstance(doc.get(k), dict):
            doc[k].update(v)
        else:
            doc[k] = v
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)


def print_table(cols, rows, cell, separator):
    """Prints a header, a rule and the rows, each column as wide as its widest value; cell(value, width,
    column index) pads one value."""
    widths = [max(len(str(x)) for x in col) for col in zip(cols, *rows)] if rows else [len(c) for c in cols]
    line = lambda vals: separator.join(cell(v, w, i) for i, (v, w) in enumerate(zip(vals, widths)))
    print()
    print(line(cols))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))
    print()


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))]


def media_ids(bundle):
    return [e["resource"]["id"] for e in bundle.get("entry", []) if e.get("resource", {}).get("resourceType") == "Media"]


def next_link(bundle):
    return next((l["url"] for l in bundle.get("link", []) if l.get("relation") == "next"), None)


def search_url(cohort, extra=""):
    return f"/fhir/Media?_tag={urllib.parse.quote(BENCH_TAG + '|' + cohort, safe='')}&_count={PAGE}{extra}"


def time_searches(client, args, phase):
    """Page-1 latency per cohort. Rounds go round-robin over the cohorts, so that JIT warm-up and the
    server's background work (HAPI keeps loading a search's later results after page 1) fall on all
    cohorts alike. Fresh: Cache-Control no-cache, so every request runs the query; cached: without it."""
    purpose = {"X-Purpose-Of-Use": PURPOSE}
    fresh = dict(purpose, **{"Cache-Control": "no-cache"})
    out = {c: {"errors": []} for c in MEASURED}
    times = {c: {"fresh": [], "cached": []} for c in MEASURED}

    def one(cohort, headers, kind=None):
        if out[cohort]["errors"]:
            return
        try:
            b, s = client.request("GET", search_url(cohort), headers=headers)
        except ServerError as e:
            out[cohort]["errors"].append(str(e))
            log(f"[{phase} {cohort}] {e}")
            return
        out[cohort].setdefault("page1_entries", len(media_ids(b)))
        if kind:
            times[cohort][kind].append(s * 1000)

    for _ in range(args.warmup):
        for c in MEASURED:
            one(c, fresh)
    for kind, headers in (("fresh", fresh), ("cached", purpose)):
        for _ in range(args.requests):
            for c in MEASURED:
                one(c, headers, kind)
    for c in MEASURED:
        t = times[c]
        if t["fresh"]:
            out[c].update(median_ms=round(statistics.median(t["fresh"]), 1), p95_ms=round(pct(t["fresh"], 0.95), 1),
                          min_ms=round(min(t["fresh"]), 1), timed_requests=len(t["fresh"]))
        if t["cached"]:
            out[c].update(cached_median_ms=round(statistics.median(t["cached"]), 1),
                          cached_p95_ms=round(pct(t["cached"], 0.95), 1))
    return out


def measure_cohort(client, args, state, cohort, phase, timed):
    purpose = {"X-Purpose-Of-Use": PURPOSE}
    fresh = dict(purpose, **{"Cache-Control": "no-cache"})
    info = state["cohorts"][cohort]
    expected_ids = {i for i, m in state["media"].items() if m[0] == cohort and (m[3] or phase.startswith("unfiltered"))}
    r = {"cohort": cohort, "total": info["total"], "expected": len(expected_ids)}
    r.update(timed)
    url = search_url(cohort)
    try:
        b, s = client.request("GET", search_url(cohort, "&_summary=count"), headers=fresh)
        r["summary_count"], r["summary_count_ms"] = b.get("total"), round(s * 1000, 1)
    except ServerError as e:
        r["errors"].append(str(e))
        log(f"[{phase} {cohort}] {e}")
    # full walk along Bundle.link next
    seen, dups, sizes, link = set(), 0, [], url + "&_total=accurate"
    max_pages = info["total"] // PAGE + 20
    partial = args.walk_max_pages is not None and len(expected_ids) > args.walk_max_pages * PAGE
    if partial:  # a bounded walk can still show leaks, duplicates and short pages, not what is missing
        max_pages = args.walk_max_pages
    t0 = time.perf_counter()
    try:
        while link and len(sizes) < max_pages:
            b, _ = client.request("GET", link, headers=purpose)
            if not sizes:
                r["walk_bundle_total"] = b.get("total")
            ids = media_ids(b)
            dups += sum(1 for i in ids if i in seen)
            seen.update(ids)
            sizes.append(len(ids))
            link = next_link(b)
            if not ids and link:
                r["errors"].append(f"empty page {len(sizes)} that still has a next link")
                break
        if link and not partial:
            r["errors"].append(f"walk stopped after {len(sizes)} pages (bound) with a next link left")
    except ServerError as e:
        r["errors"].append(f"walk page {len(sizes) + 1}: {e}")
        log(f"[{phase} {cohort}] walk: {e}")
    except TimeoutError:
        # reported, not fatal: the other cohorts and phases are still measured
        r["errors"].append(f"walk page {len(sizes) + 1}: no answer within {args.timeout} s")
        log(f"[{phase} {cohort}] walk: page {len(sizes) + 1} took longer than {args.timeout} s")
    r["walk_s"] = round(time.perf_counter() - t0, 2)
    r["walk_pages"] = len(sizes)
    r["walk_resources"] = sum(sizes)
    r["walk_unique"] = len(seen)
    r["walk_duplicates"] = dups
    r["walk_short_pages"] = sum(1 for n in sizes[:-1] if n != PAGE)
    leaked, missing = seen - expected_ids, set() if partial else expected_ids - seen
    r["leaked"], r["missing"] = len(leaked), len(missing)

    def breakdown(ids):
        out = {}
        for i in ids:
            m = state["media"].get(i)
            key = f"{m[0]}/{m[1]}/{m[2]}" if m else "not-generated-by-this-run"
            out[key] = out.get(key, 0) + 1
        return out
    if leaked:
        r["leaked_by_kind"] = breakdown(leaked)
    if missing:
        r["missing_by_kind"] = breakdown(missing)
    r["walk_partial"] = partial
    checks = {
        "walk_count": r["walk_resources"] == (len(sizes) * PAGE if partial else len(expected_ids)),
        "walk_ids": not leaked and (partial or not missing),
        "no_duplicates": dups == 0,
        "pages_full": r["walk_short_pages"] == 0,
        "summary_count": r.get("summary_count") == len(expected_ids),
    }
    if r.get("walk_bundle_total") is not None:
        checks["bundle_total"] = r["walk_bundle_total"] == len(expected_ids)
    if r.get("page1_entries") is not None:
        checks["page1_full"] = r["page1_entries"] == min(PAGE, len(expected_ids))
    r["checks"] = checks
    r["exact"] = "ERROR" if r["errors"] else "OK" if all(checks.values()) else "MISMATCH"
    log(f"[{phase} {cohort}] expected {len(expected_ids)}/{info['total']}, page1 {r.get('page1_entries')} entries,"
        f" median {r.get('median_ms')} ms, walk {r['walk_pages']} pages {r['walk_resources']} resources"
        f"{' (partial)' if partial else ''} in {r['walk_s']} s, count {r.get('summary_count')} -> {r['exact']}"
        + ("" if r["exact"] == "OK" else " " + json.dumps({k: v for k, v in checks.items() if not v})))
    return r


def consent_change(client, args, state):
    """Grant ai-training to a cohort-1 patient who had none, see when search shows the images; withdraw."""
    if not state["change_candidates"]:
        return {"error": "no cohort-1 patient without an ai-training grant"}
    cand = state["change_candidates"][0]
    pid, images = cand["patient"], set(cand["images"])
    purpose = {"X-Purpose-Of-Use": PURPOSE}
    count_url = search_url("cohort-1", "&_summary=count")
    r = {"patient": "Patient/" + pid, "patient_kind": cand["kind"], "images": len(images)}

    def visible():
        # the server refuses to search images by subject for ai-training (that would link an image to
        # its patient), so walk the cohort's few permitted images and look for the patient's among them
        seen, link = set(), search_url("cohort-1")
        while link:
            b, _ = client.request("GET", link, headers=purpose)
            seen.update(media_ids(b))
            link = next_link(b)
        return len(seen & images)

    def poll(want_visible, t0):
        deadline = time.perf_counter() + args.change_timeout
        for attempt in range(1, 100000):
            n = visible()
            if (n == len(images)) if want_visible else (n == 0):
                return attempt, round((time.perf_counter() - t0) * 1000, 1), n
            if time.perf_counter() > deadline:
                return None, None, n
            time.sleep(0.05)
        return None, None, n

    try:
        r["before_visible"] = visible()
        visible()  # the same search again, so that a cached result exists when the consent changes
        r["count_before"] = client.request("GET", count_url, headers=purpose)[0].get("total")
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = consent_json("Patient/" + pid, "active", now, [(["ai-training"], None)])
        t0 = time.perf_counter()
        created, secs = client.request("POST", "/fhir/Consent", body)
        r["grant_write_ms"] = round(secs * 1000, 1)
        attempt, ms, n = poll(True, t0)
        r.update(grant_visible_ms=ms, grant_visible_first_search=attempt == 1, grant_polls=attempt, grant_last_visible=n)
        r["count_after_grant"] = client.request("GET", count_url, headers=purpose)[0].get("total")
        body["id"] = created["id"]
        body["status"] = "inactive"
        t0 = time.perf_counter()
        _, secs = client.request("PUT", "/fhir/Consent/" + created["id"], body)
        r["withdraw_write_ms"] = round(secs * 1000, 1)
        attempt, ms, n = poll(False, t0)
        r.update(withdraw_hidden_ms=ms, withdraw_hidden_first_search=attempt == 1, withdraw_polls=attempt,
                 withdraw_last_visible=n)
        r["count_after_withdraw"] = client.request("GET", count_url, headers=purpose)[0].get("total")
        r["counts_consistent"] = (r["count_after_grant"] == (r["count_before"] or 0) + len(images)
                                  and r["count_after_withdraw"] == r["count_before"])
        r["exact"] = "OK" if (r["before_visible"] == 0 and r["grant_visible_first_search"]
                              and r["withdraw_hidden_first_search"] and r["counts_consistent"]) else "MISMATCH"
    except ServerError as e:
        r["error"] = str(e)
        r["exact"] = "ERROR"
        log(f"[consent change] {e}")
    log(f"[consent change] {json.dumps(r)}")
    return r


def cache_isolation(client, state):
    """The same search URL first for clinical-care (no purpose header: sees every image), then for
    ai-training: the second must not be served from the first one's cached results."""
    r = {}
    try:
        for cohort in ("cohort-1", "study"):
            url = search_url(cohort)
            care = media_ids(client.request("GET", url)[0])
            ai_bundle = client.request("GET", url, headers={"X-Purpose-Of-Use": PURPOSE})[0]
            ai = media_ids(ai_bundle)
            denied = [i for i in ai if not state["media"].get(i, [None] * 4)[3]]
            r[cohort] = {"care_page1": len(care), "ai_page1": len(ai), "ai_total": ai_bundle.get("total"),
                         "denied_in_ai_page1": len(denied)}
        r["exact"] = "OK" if all(v["denied_in_ai_page1"] == 0 for v in r.values()) else "MISMATCH"
    except ServerError as e:
        r["error"], r["exact"] = str(e), "ERROR"
    log(f"[cache isolation] {json.dumps(r)}")
    return r


def measure(args):
    client = Client(args.base, args.timeout)
    with open(args.state) as f:
        state = json.load(f)
    if args.settle:
        time.sleep(args.settle)  # let the server finish what the previous step left running
    load_before = [round(x, 2) for x in os.getloadavg()]
    timed = time_searches(client, args, args.phase)
    cohorts = [measure_cohort(client, args, state, c, args.phase, timed[c]) for c in MEASURED]
    out = {"phases": {args.phase: {"cohorts": cohorts, "loadavg_before": load_before,
                                   "loadavg_after": [round(x, 2) for x in os.getloadavg()]}}}
    if args.phase == "filtered":
        out["cache_isolation"] = cache_isolation(client, state)
    if args.phase == "filtered" and not args.skip_change:
        out["consent_change"] = consent_change(client, args, state)
    merge_results(args.results, out)


# ---------------------------------------------------------------- post-filter peer

POSTFILTER_COHORTS = [c for c, _ in COHORTS]


def refusal(client, url, headers):
    """What the server answers to a totals request: the number, or the refusal's status and code."""
    try:
        b, s = client.request("GET", url, headers=headers)
        return {"total": b.get("total"), "ms": round(s * 1000, 1)}
    except ServerError as e:
        return {"refused": e.status, "message": str(e).splitlines()[-1].strip()[:200]}


def walk_postfilter(client, url, headers, max_pages, budget_s, stop_at_first=False):
    """Follows Bundle.link next through empty pages (a post-filter server leaves them in)."""
    pages, empty, ids, link, t0 = 0, 0, [], url, time.perf_counter()
    first = None
    while link and pages < max_pages:
        b, _ = client.request("GET", link, headers=headers)
        pages += 1
        got = media_ids(b)
        empty += not got
        ids.extend(got)
        if got and first is None:
            first = {"ms": round((time.perf_counter() - t0) * 1000, 1), "pages": pages, "rows": len(got)}
            if stop_at_first:
                break
        link = next_link(b)
        if time.perf_counter() - t0 > budget_s:
            return {"pages": pages, "empty_pages": empty, "ids": ids, "s": round(time.perf_counter() - t0, 2),
                    "first": first, "complete": False, "stopped": f"time budget {budget_s} s"}
    return {"pages": pages, "empty_pages": empty, "ids": ids, "s": round(time.perf_counter() - t0, 2),
            "first": first, "complete": not link}


def measure_postfilter(args):
    """The post-filter peer (bench/postfilter-baseline with its ConsentInterceptor): how long until the
    first page that shows a permitted image, what a full walk costs, and what it answers for totals.
    Its page 1 may be empty at low selectivity, so it is timed to the first non-empty page."""
    client = Client(args.base, args.timeout)
    with open(args.state) as f:
        state = json.load(f)
    if args.settle:
        time.sleep(args.settle)
    purpose = {"X-Purpose-Of-Use": PURPOSE}
    fresh = dict(purpose, **{"Cache-Control": "no-cache"})
    load_before = [round(x, 2) for x in os.getloadavg()]
    cohorts = []
    for cohort in args.cohorts:
        info = state["cohorts"][cohort]
        expected = {i for i, m in state["media"].items() if m[0] == cohort and m[3]}
        r = {"cohort": cohort, "total": info["total"], "expected": len(expected), "errors": []}
        max_pages = info["total"] // PAGE + 20
        try:
            firsts, page1 = [], []
            for n in range(args.warmup + args.requests):
                t0 = time.perf_counter()
                b, s = client.request("GET", search_url(cohort), headers=fresh)
                if n >= args.warmup:
                    page1.append(s * 1000)
                r["page1_entries"] = len(media_ids(b))
                r["page1_bundle_total"] = b.get("total")
                w = walk_postfilter(client, search_url(cohort), fresh, max_pages, args.walk_budget, stop_at_first=True)
                if n >= args.warmup and w["first"]:
                    firsts.append(w["first"])
            r["page1_median_ms"] = round(statistics.median(page1), 1)
            if firsts:
                r["first_permitted_median_ms"] = round(statistics.median(f["ms"] for f in firsts), 1)
                r["first_permitted_pages"] = firsts[0]["pages"]
                r["first_permitted_rows"] = firsts[0]["rows"]
            r["summary_count"] = refusal(client, search_url(cohort, "&_summary=count"), fresh)
            r["total_accurate"] = refusal(client, search_url(cohort, "&_total=accurate"), fresh)
            w = walk_postfilter(client, search_url(cohort), purpose, max_pages, args.walk_budget)
            seen = set(w["ids"])
            r.update(walk_pages=w["pages"], walk_empty_pages=w["empty_pages"], walk_resources=len(w["ids"]),
                     walk_s=w["s"], walk_complete=w["complete"], walk_duplicates=len(w["ids"]) - len(seen),
                     leaked=len(seen - expected), missing=len(expected - seen) if w["complete"] else None)
            if not w["complete"]:
                r["walk_stopped"] = w.get("stopped", f"page bound {max_pages}")
            r["exact"] = "OK" if w["complete"] and seen == expected and r["walk_duplicates"] == 0 else \
                "PARTIAL" if not w["complete"] and not (seen - expected) else "MISMATCH"
        except ServerError as e:
            r["errors"].append(str(e))
            r["exact"] = "ERROR"
        log(f"[postfilter {cohort}] {json.dumps({k: v for k, v in r.items() if k != 'errors'})}")
        cohorts.append(r)
    merge_results(args.results, {"phases": {"postfilter": {"cohorts": cohorts, "loadavg_before": load_before,
                                                          "loadavg_after": [round(x, 2) for x in os.getloadavg()]}}})


def compare(args):
    """One table: DermConsent (enforced in the query) against the post-filter peer, same population."""
    def load(path):
        try:
            with open(path) as f:
                return json.load(f)
        except FileNotFoundError:
            log(f"no figures in {path} (that server's steps have not run): its rows are missing")
            return {}
    ours, peer = load(args.results), load(args.peer_results)
    by = lambda doc, phase: {r["cohort"]: r for r in doc.get("phases", {}).get(phase, {}).get("cohorts", [])}
    dc, dcu = by(ours, "filtered"), by(ours, "unfiltered")
    pf, pfu = by(peer, "postfilter"), by(peer, "unfiltered")
    fmt_total = lambda t: "-" if t is None else (str(t.get("total")) if "total" in t else f"refused {t.get('refused')}")
    cols = ["cohort", "permitted/total", "server", "page 1 ms (rows)", "first permitted page ms (pages, rows)",
            "walk pages (empty)", "walk rows", "walk s", "_summary=count", "Bundle.total", "unfiltered page 1 ms", "ratio", "exact"]
    rows = []
    for c in POSTFILTER_COHORTS:
        d, p = dc.get(c), pf.get(c)
        if d:
            u = dcu.get(c, {}).get("median_ms")
            rows.append([c, f"{d['expected']}/{d['total']}", "DermConsent", f"{d.get('median_ms')} ({d.get('page1_entries')})",
                         f"{d.get('median_ms')} (1, {d.get('page1_entries')})", f"{d['walk_pages']} (0)", d["walk_resources"],
                         d["walk_s"], d.get("summary_count"), d.get("walk_bundle_total"), u if u else "-",
                         f"{d['median_ms'] / u:.2f}" if u and d.get("median_ms") else "-", d["exact"]])
        if p:
            u = pfu.get(c, {}).get("median_ms")
            first = p.get("first_permitted_median_ms")
            rows.append([c, f"{p['expected']}/{p['total']}", "post-filter", f"{p.get('page1_median_ms')} ({p.get('page1_entries')})",
                         f"{first} ({p.get('first_permitted_pages')}, {p.get('first_permitted_rows')})" if first else "none",
                         f"{p.get('walk_pages')} ({p.get('walk_empty_pages')})" + ("" if p.get("walk_complete") else " stopped"),
                         p.get("walk_resources"), p.get("walk_s"), fmt_total(p.get("summary_count")),
                         p.get("page1_bundle_total") if p.get("page1_bundle_total") is not None else "absent", u if u else "-",
                         f"{first / u:.2f}" if u and first else "-", p.get("exact")])
    print_table(cols, rows, lambda v, w, i: str(v).ljust(w), " | ")
    print("(DermConsent: page 1 median of fresh searches, enforcement in the query, audit on; its first page always"
          " holds permitted images. post-filter: HAPI ConsentInterceptor server; 'first permitted page' follows next"
          " links from a fresh search until a page shows an image. ratio: first permitted page / the same server's"
          " unfiltered page 1. walk: every page via Bundle.link next, with _total=accurate on DermConsent.)")
    for name, doc in (("DermConsent", ours), ("post-filter", peer)):
        ing = doc.get("ingest")
        if ing:
            print(f"ingest {name}: {ing['images']} images in {ing.get('image_seconds')} s = {ing['images_per_s']} images/s"
                  f" (patients and consents {ing.get('people_seconds')} s before), load average after {ing.get('loadavg_after')}")
        for phase, v in doc.get("phases", {}).items():
            if v.get("loadavg_before"):
                print(f"  {name} {phase}: load average {v['loadavg_before']} -> {v['loadavg_after']} on {os.cpu_count()} cores")


# ---------------------------------------------------------------- report

def report(args):
    with open(args.results) as f:
        doc = json.load(f)
    doc.update(json.loads(args.extra or "{}"))
    phases = doc.get("phases", {})
    cols = ["phase", "cohort", "permitted/total", "page1", "median ms", "p95 ms", "cached med", "count",
            "walk pages", "walk res", "walk s", "exact"]
    rows = []
    for phase in PHASES:
        for r in phases.get(phase, {}).get("cohorts", []):
            rows.append([phase, r["cohort"], f"{r['expected']}/{r['total']}", r.get("page1_entries", "-"),
                         r.get("median_ms", "-"), r.get("p95_ms", "-"), r.get("cached_median_ms", "-"),
                         r.get("summary_count", "-"),
                         f"{r['walk_pages']}{' (partial)' if r.get('walk_partial') else ''}", r["walk_resources"], r["walk_s"], r["exact"]])
    print_table(cols, rows, lambda v, w, i: str(v).rjust(w) if i > 1 else str(v).ljust(w), "  ")
    print("(median/p95: page 1 of a fresh search, Cache-Control: no-cache; cached med: the same search without it;"
          " count: _summary=count; walk: all pages via Bundle.link next (partial: the first --walk-max-pages, checked"
          " for leaks, duplicates and full pages); filtered exact = results equal the"
          " generator's expected permitted set, unfiltered exact = all images of the cohort)")
    for phase in PHASES:
        for r in phases.get(phase, {}).get("cohorts", []):
            bad = {k: v for k, v in r.get("checks", {}).items() if not v}
            if r["exact"] != "OK":
                print(f"  {phase} {r['cohort']}: {r['exact']} failed={sorted(bad)} walked={r['walk_resources']}"
                      f" expected={r['expected']} leaked={r['leaked']} missing={r['missing']} dup={r['walk_duplicates']}"
                      f" short_pages={r['walk_short_pages']} bundle.total={r.get('walk_bundle_total')}"
                      + (f" leaked_by_kind={r['leaked_by_kind']}" if r.get("leaked_by_kind") else "")
                      + (f" missing_by_kind={r['missing_by_kind']}" if r.get("missing_by_kind") else ""))
                for e in r.get("errors", []):
                    print("    error: " + e.replace("\n", "\n    "))
    for phase in PHASES:
        if phases.get(phase, {}).get("loadavg_before"):
            print(f"machine load average (1/5/15 min) during {phase}: {phases[phase]['loadavg_before']}"
                  f" -> {phases[phase]['loadavg_after']} on {os.cpu_count()} cores")
    f = {r["cohort"]: r for r in phases.get("filtered", {}).get("cohorts", [])}
    u = {r["cohort"]: r for r in phases.get("unfiltered", {}).get("cohorts", [])}
    ratios = []
    for c in MEASURED:
        if f.get(c, {}).get("median_ms") and u.get(c, {}).get("median_ms"):
            ratios.append(f"{c} {f[c]['median_ms'] / u[c]['median_ms']:.2f}x")
    print("filtered/unfiltered median page-1 latency, audit on in both: " + (", ".join(ratios) or "n/a"))
    a = {r["cohort"]: r for r in phases.get("audit-off", {}).get("cohorts", [])}
    ua = {r["cohort"]: r for r in phases.get("unfiltered-audit-off", {}).get("cohorts", [])}
    pure = [f"{c} {a[c]['median_ms'] / ua[c]['median_ms']:.2f}x" for c in MEASURED
            if a.get(c, {}).get("median_ms") and ua.get(c, {}).get("median_ms")]
    if pure:
        print("filtered/unfiltered median page-1 latency, audit off in both: " + ", ".join(pure))
    audit = [f"{c} {f[c]['median_ms'] / a[c]['median_ms']:.2f}x" for c in MEASURED
             if f.get(c, {}).get("median_ms") and a.get(c, {}).get("median_ms")]
    if audit:
        print("audit on/off median page-1 latency (both filtered): " + ", ".join(audit))
    ing = doc.get("ingest")
    if ing:
        print(f"ingest: {ing['images']} images, {ing['patients']} patients, {ing['consents']} consents in {ing['bundles']}"
              f" transactions with {ing['threads']} threads: patients and consents {ing.get('people_seconds')} s, then"
              f" images {ing.get('image_seconds')} s = {ing['images_per_s']} images/s"
              f" (median image transaction {ing['bundle_median_ms']} ms);"
              f" {ing.get('retried_transactions', 0)} transactions failed with 5xx and were retried;"
              f" stored counts {'not verified' if ing.get('stored_ok') is None else 'OK' if ing.get('stored_ok') else 'MISMATCH ' + json.dumps(ing.get('stored_per_cohort'))}")
        if ing.get("stored_verify_error"):
            print("    stored counts not verified: " + ing["stored_verify_error"].replace("\n", " "))
        for e in ing.get("retry_errors", []):
            print("    retried after: " + e)
    ch = doc.get("consent_change")
    if ch:
        if ch.get("error"):
            print("consent change: ERROR " + ch["error"].replace("\n", " "))
        else:
            print(f"consent change ({ch['patient']}, {ch['images']} images): grant write {ch.get('grant_write_ms')} ms,"
                  f" visible after {ch.get('grant_visible_ms')} ms (first search after write: "
                  f"{'yes' if ch.get('grant_visible_first_search') else 'NO'}, polls {ch.get('grant_polls')});"
                  f" withdraw write {ch.get('withdraw_write_ms')} ms, hidden on first search: "
                  f"{'yes' if ch.get('withdraw_hidden_first_search') else 'NO'} (after {ch.get('withdraw_hidden_ms')} ms);"
                  f" cohort-1 count {ch.get('count_before')} -> {ch.get('count_after_grant')} -> {ch.get('count_after_withdraw')}"
                  f" -> {ch.get('exact')}")
    ci = doc.get("cache_isolation")
    if ci:
        print(f"cache isolation (same URL for clinical-care, then ai-training): {ci.get('exact')}"
              + (" " + ci["error"].replace("\n", " ") if ci.get("error") else
                 " " + ", ".join(f"{c}: care page1 {v['care_page1']}, ai page1 {v['ai_page1']} ({v['denied_in_ai_page1']} denied)"
                                 for c, v in ci.items() if isinstance(v, dict))))
    sl = doc.get("server_log")
    if sl:
        print("server log: " + ", ".join(f"{p} {v['errors']} ERROR / {v['warnings']} WARN lines" for p, v in sl.items()))
    print()
    print(json.dumps(doc, indent=1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="http://127.0.0.1:18181/fhir")
    ap.add_argument("--state", required=True, help="generator state (ids and expectations), JSON")
    ap.add_argument("--results", required=True, help="figures collected so far, JSON")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per HTTP request")
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--images", type=int, default=100000)
    g.add_argument("--per-patient", type=int, default=10)
    g.add_argument("--seed", type=int, default=20260101)
    g.add_argument("--cohort-share", type=float, default=0.10, help="share of patients in each measured cohort")
    g.add_argument("--bundle-entries", type=int, default=300)
    g.add_argument("--threads", type=int, default=2)
    g.add_argument("--ingest-timeout", type=float, default=600)
    g.add_argument("--retries", type=int, default=2, help="resend a transaction that failed with 5xx (reported)")
    g.add_argument("--no-verify", dest="verify", action="store_false",
                   help="do not count the stored images with _summary=count (a post-filter server refuses it)")
    m = sub.add_parser("measure")
    m.add_argument("--phase", choices=PHASES, required=True)
    m.add_argument("--warmup", type=int, default=10, help="untimed rounds over all cohorts first")
    m.add_argument("--settle", type=float, default=5, help="seconds to wait before measuring")
    m.add_argument("--requests", type=int, default=50)
    m.add_argument("--change-timeout", type=float, default=30)
    m.add_argument("--skip-change", action="store_true")
    m.add_argument("--walk-max-pages", type=int, help="walk at most this many pages of a result; a longer result"
                   " is checked for leaks, duplicates and full pages only (its walk is reported as partial)")
    pf = sub.add_parser("measure-postfilter", help="the post-filter peer: first permitted page, walk, totals")
    pf.add_argument("--cohorts", nargs="+", default=POSTFILTER_COHORTS, choices=MEASURED)
    pf.add_argument("--warmup", type=int, default=1)
    pf.add_argument("--requests", type=int, default=3, help="timed fresh searches per cohort")
    pf.add_argument("--settle", type=float, default=5)
    pf.add_argument("--walk-budget", type=float, default=900, help="seconds a walk may take before it is stopped")
    c = sub.add_parser("compare", help="DermConsent against the post-filter peer, one table")
    c.add_argument("--peer-results", required=True)
    r = sub.add_parser("report")
    r.add_argument("--extra", help="JSON object merged into the results before printing")
    args = ap.parse_args()
    {"generate": generate, "measure": measure, "measure-postfilter": measure_postfilter, "compare": compare,
     "report": report}[args.cmd](args)


if __name__ == "__main__":
    try:
        main()
    except ServerError as e:
        log(f"server error: {e}")
        sys.exit(1)
