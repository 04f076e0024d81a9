#!/usr/bin/env python3
"""Research-dataset export benchmark for DermConsent (driven by bench/export.sh).

  ingest   stores N permitted images: patients, each with a derm image Consent permitting
           de-identified ai-training and 10 de-identified images whose bytes are Binaries
           (transaction Bundles), all tagged urn:dermconsent:bench|<run>
  run      subscribes a local rest-hook receiver to withdrawal notices, runs an ai-training bulk
           export of the run's images (kickoff to complete manifest), downloads its files, checks
           the dataset List and $dataset-status, withdraws one patient's consent and times how long
           its withdrawal notice takes to reach the receiver; then $dataset-status again
  report   prints the figures as a table (and as JSON)

The time spent writing the dataset List is the server's own figure: it logs
"Dataset List/<id> written with <n> images in <ms> ms" when the first complete manifest is asked for.

Python 3 standard library only. Talks to 127.0.0.1 / localhost only.
"""
import argparse
import base64
import http.client
import http.server
import json
import re
import sys
import threading
import time
import urllib.parse
import uuid

BENCH_TAG = "urn:dermconsent:bench"
IDENTIFIABILITY = "https://dermconsent.org/fhir/CodeSystem/identifiability"
IMAGE_USE = "https://dermconsent.org/fhir/CodeSystem/image-use"
NOTICE = "https://dermconsent.org/fhir/CodeSystem/task-type|withdrawal-notice"
PURPOSE = "ai-training"
PER_PATIENT = 10
# A 4x4 JPEG; each image's bytes get its number appended after the end marker, so every Binary differs.
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAgAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5"
    "PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAAR"
    "CAAEAAQDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEG"
    "E1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWG"
    "h4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEB"
    "AQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYk"
    "NOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0"
    "tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDLsvDOl/ZV/cUUUVpOrU5n7z+85cPXq+yj"
    "7z27n//Z")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


class ServerError(Exception):
    pass


class Client:
    """One keep-alive connection, to the loopback interface only."""

    def __init__(self, base):
        parts = urllib.parse.urlsplit(base)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"refusing to talk to {parts.hostname}: this benchmark only uses the loopback interface")
        self.host, self.port, self.base_path = parts.hostname, parts.port or 80, parts.path.rstrip("/")
        self.conn = None

    def path_of(self, url):
        if url.startswith("http://") or url.startswith("https://"):
            p = urllib.parse.urlsplit(url)
            return p.path + ("?" + p.query if p.query else "")
        return url if url.startswith("/") else self.base_path + "/" + url

    def request(self, method, path, body=None, headers=None, accept="application/fhir+json"):
        """Returns (status, headers, raw body). Raises ServerError on a status >= 400."""
        hdrs = {"Accept": accept, "X-Purpose-Of-Use": PURPOSE}
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":")).encode()
            hdrs["Content-Type"] = "application/fhir+json"
        hdrs.update(headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=600)
            try:
                self.conn.request(method, self.path_of(path), body=data, headers=hdrs)
                resp = self.conn.getresponse()
                raw = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 1 and method == "GET":
                    continue
                raise
            if resp.status >= 400:
                raise ServerError(f"{method} {path} -> HTTP {resp.status}: {raw[:1500].decode('utf-8', 'replace')}")
            return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), raw
        raise AssertionError("unreachable")

    def json(self, method, path, body=None, headers=None):
        _, _, raw = self.request(method, path, body, headers)
        return json.loads(raw) if raw else None


def tag(run):
    return {"tag": [{"system": BENCH_TAG, "code": run}]}


def consent(run, patient, status="active"):
    return {"resourceType": "Consent", "meta": tag(run), "status": status,
            "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}]},
            "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]},
                         {"coding": [{"system": "https://dermconsent.org/fhir/CodeSystem/consent-category", "code": "derm-image-use"}]}],
            "patient": {"reference": patient}, "dateTime": "2026-01-15T10:00:00Z",
            "policyRule": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN"}]},
            "provision": {"type": "deny", "provision": [{"type": "permit",
                          "purpose": [{"system": IMAGE_USE, "code": PURPOSE}],
                          "securityLabel": [{"system": IDENTIFIABILITY, "code": "deidentified"}]}]}}


def media(run, patient, binary):
    meta = tag(run)
    meta["security"] = [{"system": IDENTIFIABILITY, "code": "deidentified"}]
    return {"resourceType": "Media", "meta": meta, "status": "completed", "subject": {"reference": patient},
            "content": {"contentType": "image/jpeg", "url": binary}}


def entry(method, url, resource):
    return {"resource": resource, "request": {"method": method, "url": url}}


def transaction(client, entries):
    bundle = client.json("POST", "", {"resourceType": "Bundle", "type": "transaction", "entry": entries})
    return [e["response"]["location"] for e in bundle["entry"]]


def ingest(args):
    client = Client(args.base)
    run = "x" + uuid.uuid4().hex[:10]
    patients_per_bundle = max(1, args.bundle_entries // (2 * PER_PATIENT + 2))
    n_patients = (args.images + PER_PATIENT - 1) // PER_PATIENT
    state = {"run": run, "images": 0, "patients": [], "consents": {}}
    t0 = time.perf_counter()
    number = 0
    for first in range(0, n_patients, patients_per_bundle):
        group = [f"{run}-p{p}" for p in range(first, min(n_patients, first + patients_per_bundle))]
        stored, pending = [], []
        for patient in group:
            stored.append(entry("PUT", f"Patient/{patient}", {"resourceType": "Patient", "id": patient, "meta": tag(run),
                                                               "gender": "female", "birthDate": "1980-01-01"}))
            for _ in range(min(PER_PATIENT, args.images - number)):
                binary = f"{run}-b{number}"
                data = base64.b64encode(JPEG + number.to_bytes(4, "big")).decode()
                stored.append(entry("PUT", f"Binary/{binary}", {"resourceType": "Binary", "id": binary,
                                                                "contentType": "image/jpeg", "data": data}))
                pending.append((patient, binary))
                number += 1
        transaction(client, stored)
        described = [entry("POST", "Consent", consent(run, f"Patient/{p}")) for p in group]
        described += [entry("POST", "Media", media(run, f"Patient/{p}", f"Binary/{b}")) for p, b in pending]
        locations = transaction(client, described)
        for patient, location in zip(group, locations):
            state["consents"][patient] = location.split("/_history")[0]
        state["patients"] += group
        log(f"ingested {number}/{args.images} images")
    state["images"] = number
    state["ingest_seconds"] = time.perf_counter() - t0
    with open(args.state, "w") as f:
        json.dump(state, f)
    log(f"ingest: {number} images in {state['ingest_seconds']:.1f} s ({number / state['ingest_seconds']:.0f} images/s)")


class Receiver(http.server.BaseHTTPRequestHandler):
    """The research platform's rest-hook endpoint: records each Task delivered, with its arrival time."""
    deliveries = []

    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Receiver.deliveries.append((time.perf_counter(), self.path, body))
        self.send_response(200)
        self.end_headers()

    do_POST = do_PUT

    def log_message(self, *args):
        pass


def status_parameters(client, dataset):
    t0 = time.perf_counter()
    params = client.json("GET", f"{dataset}/$dataset-status")
    seconds = time.perf_counter() - t0
    values = {}
    for p in params.get("parameter", []):
        if "valueInteger" in p:
            values[p["name"]] = p["valueInteger"]
        elif "valueReference" in p:
            values.setdefault(p["name"], []).append(p["valueReference"]["reference"])
    return values, seconds


def run_bench(args):
    with open(args.state) as f:
        state = json.load(f)
    client = Client(args.base)
    run, n = state["run"], state["images"]
    results = {"images": n, "ingest_seconds": state["ingest_seconds"]}

    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", args.receiver_port), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    subscription = client.json("POST", "Subscription", {
        "resourceType": "Subscription", "status": "requested", "reason": "bench withdrawal notices",
        "criteria": f"Task?code={NOTICE}&owner=Device/anonymous",
        "channel": {"type": "rest-hook", "endpoint": f"http://127.0.0.1:{args.receiver_port}/notices",
                    "payload": "application/fhir+json"}})
    for _ in range(120):
        if client.json("GET", f"Subscription/{subscription['id']}").get("status") == "active":
            break
        time.sleep(0.5)
    else:
        raise SystemExit("the Subscription did not become active")

    # the export, as a research platform runs it: kickoff, poll (honouring Retry-After up to 1 s), manifest
    type_filter = urllib.parse.quote(f"Media?_tag={BENCH_TAG}|{run}", safe="")
    t0 = time.perf_counter()
    _, headers, _ = client.request("GET", f"$export?_type=Media,Patient&_typeFilter={type_filter}",
                                   headers={"Prefer": "respond-async"})
    status_url = headers["content-location"]
    polls = 0
    while True:
        status, headers, raw = client.request("GET", status_url, accept="application/json")
        polls += 1
        if status == 200:
            break
        time.sleep(min(1.0, float(headers.get("retry-after", "1") or 1)) if polls > 1 else 0.2)
    export_seconds = time.perf_counter() - t0
    manifest = json.loads(raw)
    dataset = manifest.get("extension", {}).get("dataset")
    if not dataset:
        raise SystemExit(f"the manifest names no dataset: {manifest}")

    t1 = time.perf_counter()
    file_bytes, media_lines, patient_lines = 0, 0, 0
    for output in manifest["output"]:
        _, _, body = client.request("GET", output["url"], accept="application/fhir+ndjson")
        file_bytes += len(body)
        lines = sum(1 for line in body.splitlines() if line.strip())
        if output["type"] == "Media":
            media_lines += lines
        elif output["type"] == "Patient":
            patient_lines += lines
    download_seconds = time.perf_counter() - t1
    if media_lines != n:
        raise SystemExit(f"exported {media_lines} Media lines, expected {n}")

    t2 = time.perf_counter()
    dataset_list = client.json("GET", dataset)
    list_read_seconds = time.perf_counter() - t2
    entries = len(dataset_list.get("entry", []))
    if entries != n:
        raise SystemExit(f"the dataset List has {entries} entries, expected {n}")
    before, status_before_seconds = status_parameters(client, dataset)
    if before.get("permitted") != n or before.get("withdrawn") != 0:
        raise SystemExit(f"$dataset-status before the withdrawal: {before}")

    # one patient withdraws: their images were received by this client (the export), so a notice follows
    patient = state["patients"][0]
    consent_ref = state["consents"][patient]
    withdrawn = consent(run, f"Patient/{patient}", status="inactive")
    withdrawn["id"] = consent_ref.split("/")[1]
    Receiver.deliveries.clear()
    client.json("PUT", consent_ref, withdrawn)
    t3 = time.perf_counter()
    notice_seconds = None
    deadline = t3 + args.notice_timeout
    while time.perf_counter() < deadline and notice_seconds is None:
        for at, _, body in list(Receiver.deliveries):
            task = json.loads(body) if body else {}
            if task.get("resourceType") == "Task" and task.get("status") == "requested":
                notice_seconds = at - t3
                results["notice_images"] = sum(1 for i in task.get("input", [])
                                               if i.get("type", {}).get("coding", [{}])[0].get("code") == "image")
                break
        time.sleep(0.05)
    after, status_after_seconds = status_parameters(client, dataset)
    receiver.shutdown()
    client.request("DELETE", f"Subscription/{subscription['id']}")

    list_ms = None
    match = None
    if args.server_log:
        with open(args.server_log, errors="replace") as f:
            for line in f:
                m = re.search(r"Dataset (List/\S+) written with (\d+) images in (\d+) ms", line)
                if m and m.group(1) == dataset:
                    match = m
        if match:
            list_ms = int(match.group(3))

    results.update({
        "export_seconds": export_seconds, "export_images_per_s": n / export_seconds,
        "export_file_bytes": file_bytes, "export_bytes_per_s": file_bytes / export_seconds,
        "status_polls": polls, "patient_lines": patient_lines,
        "download_seconds": download_seconds, "dataset": dataset, "dataset_entries": entries,
        "dataset_list_write_ms": list_ms, "dataset_list_read_seconds": list_read_seconds,
        "dataset_status_seconds": status_before_seconds, "dataset_status_after_seconds": status_after_seconds,
        "withdrawn_after": after.get("withdrawn"), "notice_seconds": notice_seconds,
    })
    with open(args.results, "w") as f:
        json.dump(results, f, indent=2)
    if notice_seconds is None:
        raise SystemExit(f"no withdrawal notice reached the receiver within {args.notice_timeout} s")
    if after.get("withdrawn") != PER_PATIENT and n >= PER_PATIENT:
        raise SystemExit(f"$dataset-status after one patient's withdrawal: {after.get('withdrawn')} withdrawn, expected {PER_PATIENT}")


def report(args):
    with open(args.results) as f:
        r = json.load(f)
    extra = json.loads(args.extra) if args.extra else {}
    r.update(extra)
    fmt = lambda v, spec: "n/a" if v is None else format(v, spec)
    rows = [
        ("database", r.get("database", "?")),
        ("permitted images exported", f"{r['images']}"),
        ("ingest (transactions)", f"{r['ingest_seconds']:.1f} s ({r['images'] / r['ingest_seconds']:.0f} images/s)"),
        ("export: kickoff to complete manifest", f"{r['export_seconds']:.2f} s ({r['status_polls']} status polls)"),
        ("export: images/s", f"{r['export_images_per_s']:.1f}"),
        ("export: file bytes (Media + Patient NDJSON)", f"{r['export_file_bytes']:,}"),
        ("export: bytes/s (file bytes / kickoff to manifest)", f"{r['export_bytes_per_s']:,.0f}"),
        ("download of the files", f"{r['download_seconds']:.2f} s"),
        ("dataset List write (server log)", f"{fmt(r['dataset_list_write_ms'], 'd')} ms for {r['dataset_entries']} entries"),
        ("dataset List read", f"{r['dataset_list_read_seconds'] * 1000:.0f} ms"),
        ("$dataset-status (nothing withdrawn)", f"{r['dataset_status_seconds'] * 1000:.0f} ms"),
        ("$dataset-status (after a withdrawal)", f"{r['dataset_status_after_seconds'] * 1000:.0f} ms, {r['withdrawn_after']} withdrawn"),
        ("withdrawal answered -> notice at receiver", f"{fmt(r['notice_seconds'], '.2f')} s ({r.get('notice_images', '?')} images)"),
    ]
    width = max(len(k) for k, _ in rows)
    print()
    print(f"{'DermConsent research export bench':<{width}} | figure")
    print("-" * (width + 2) + "+" + "-" * 44)
    for key, value in rows:
        print(f"{key:<{width}} | {value}")
    print()
    print(json.dumps(r, indent=2))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest")
    p.add_argument("--base", required=True)
    p.add_argument("--state", required=True)
    p.add_argument("--images", type=int, default=10000)
    p.add_argument("--bundle-entries", type=int, default=500)
    p = sub.add_parser("run")
    p.add_argument("--base", required=True)
    p.add_argument("--state", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--server-log")
    p.add_argument("--receiver-port", type=int, default=18190)
    p.add_argument("--notice-timeout", type=float, default=300)
    p = sub.add_parser("report")
    p.add_argument("--results", required=True)
    p.add_argument("--extra")
    args = parser.parse_args()
    {"ingest": ingest, "run": run_bench, "report": report}[args.command](args)


if __name__ == "__main__":
    main()
