#!/usr/bin/env python3
"""Client side of bench/audit.sh (standard library only).

  setup                 patients, consents and images; writes $WORK/state.json
  time PHASE ROUND      WARMUP untimed and REQUESTS timed searches; appends the times to $WORK/times.json;
                        after an audited phase, waits (bounded) until its AuditEvents are stored and counts them
  report ROUNDS         prints the table
"""
import http.client
import importlib.util
import json
import os
import statistics
import sys
import time
import urllib.parse

# the population's codes and the same JPEG bytes as bench/consent-bench.py
_spec = importlib.util.spec_from_file_location("consent_bench", os.path.join(os.path.dirname(__file__), "consent-bench.py"))
consent_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(consent_bench)
BENCH_TAG = consent_bench.BENCH_TAG
IDENTIFIABILITY = consent_bench.IDENTIFIABILITY
JPEG_B64 = consent_bench.JPEG_B64
AUDIT_TAG = "https://dermconsent.org/fhir/CodeSystem/audit|image-disclosure"

base = urllib.parse.urlsplit(os.environ["BASE"])
work = os.environ["WORK"]
cohort = "audit-bench"


def connection():
    return http.client.HTTPConnection(base.hostname, base.port, timeout=120)


def call(conn, method, path, body=None, headers=None):
    all_headers = {"Accept": "application/fhir+json"}
    if body is not None:
        all_headers["Content-Type"] = "application/fhir+json"
        body = json.dumps(body)
    all_headers.update(headers or {})
    conn.request(method, base.path + path, body=body, headers=all_headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data


def create(conn, resource):
    status, data = call(conn, "POST", "/" + resource["resourceType"], resource)
    if status != 201:
        sys.exit(f"creating a {resource['resourceType']} answered {status}: {data[:500]!r}")
    return json.loads(data)["id"]


def setup():
    conn = connection()
    patients = int(os.environ["PATIENTS"])
    per_patient = int(os.environ["IMAGES_PER_PATIENT"])
    tag = {"system": BENCH_TAG, "code": cohort}
    for _ in range(patients):
        patient = "Patient/" + create(conn, {"resourceType": "Patient", "meta": {"tag": [tag]}})
        create(conn, consent_bench.consent_json(patient, "active", "2026-01-15T10:00:00Z", [(["ai-training"], ["deidentified"])]))
        for _ in range(per_patient):
            create(conn, {
                "resourceType": "Media", "meta": {"tag": [tag], "security": [{"system": IDENTIFIABILITY, "code": "deidentified"}]},
                "status": "completed", "subject": {"reference": patient},
                "content": {"contentType": "image/jpeg", "data": JPEG_B64}})
    images = patients * per_patient
    status, data = call(conn, "GET", search_path(images), headers={"X-Purpose-Of-Use": "ai-training"})
    shown = len(json.loads(data).get("entry", [])) if status == 200 else None
    if shown != images:
        sys.exit(f"the ai-training search shows {shown} images, not {images}: {data[:500]!r}")
    save_state({"patients": patients, "images": images, "audited_responses": 1, "events": None})


def save_state(state):
    with open(f"{work}/state.json", "w") as f:
        json.dump(state, f)


def count_events(conn):
    status, data = call(conn, "GET", f"/AuditEvent?_tag={urllib.parse.quote(AUDIT_TAG, safe='')}&_summary=count")
    if status != 200:
        sys.exit(f"counting AuditEvents answered {status}: {data[:500]!r}")
    return json.loads(data)["total"]


def search_path(images):
    return f"/Media?_tag={urllib.parse.quote(BENCH_TAG + '|' + cohort, safe='')}&_count={images}"


def time_phase(phase, round_):
    state = json.load(open(f"{work}/state.json"))
    path = search_path(state["images"])
    conn = connection()
    headers = {"X-Purpose-Of-Use": "ai-training"}
    ms = []
    for i in range(int(os.environ["WARMUP"]) + int(os.environ["REQUESTS"])):
        started = time.perf_counter()
        status, data = call(conn, "GET", path, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            sys.exit(f"{phase}: a search answered {status}: {data[:500]!r}")
        if i >= int(os.environ["WARMUP"]):
            ms.append(elapsed)
    if phase != "off":
        state["audited_responses"] += int(os.environ["WARMUP"]) + int(os.environ["REQUESTS"])
        expected = state["audited_responses"] * state["patients"]
        deadline = time.monotonic() + 120
        while (events := count_events(conn)) < expected and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(1)
        state["events"] = count_events(conn)  # not more than expected either
        save_state(state)
    times_file = f"{work}/times.json"
    times = json.load(open(times_file)) if os.path.exists(times_file) else {}
    times.setdefault(phase, {})[str(round_)] = ms
    with open(times_file, "w") as f:
        json.dump(times, f)


def p95(values):
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def report(rounds):
    state = json.load(open(f"{work}/state.json"))
    times = json.load(open(f"{work}/times.json"))
    events = state["events"]
    expected = state["audited_responses"] * state["patients"]
    requests = int(os.environ["REQUESTS"])
    print(f"\n{requests} timed ai-training searches per phase and round ({rounds} rounds), sequential, one"
          f" connection; each shows {state['images']} images of {state['patients']} patients"
          f" ({state['patients']} AuditEvents per response when audited)")
    print(f"{'phase':<12} {'median ms':>10} {'p95 ms':>8} {'mean ms':>8}   per round: median (p95)")
    rows = {}
    for phase in ("durable", "not-durable", "off"):
        rounds_ms = times.get(phase, {})
        pooled = [v for ms in rounds_ms.values() for v in ms]
        if not pooled:
            continue
        rows[phase] = (statistics.median(pooled), p95(pooled), statistics.mean(pooled))
        per_round = "  ".join(f"{statistics.median(ms):.1f} ({p95(ms):.1f})" for _, ms in sorted(rounds_ms.items()))
        print(f"{phase:<12} {rows[phase][0]:>10.1f} {rows[phase][1]:>8.1f} {rows[phase][2]:>8.1f}   {per_round}")
    if "durable" in rows and "off" in rows:
        d, n, o = rows["durable"], rows.get("not-durable"), rows["off"]
        print(f"durable audit vs none:      median {d[0] - o[0]:+.1f} ms ({d[0] / o[0]:.2f}x), p95 {d[1] - o[1]:+.1f} ms ({d[1] / o[1]:.2f}x)")
        if n:
            print(f"forcing to disk (durable vs not-durable): median {d[0] - n[0]:+.1f} ms, p95 {d[1] - n[1]:+.1f} ms")
    print(f"AuditEvents stored: {events}, expected {expected} (one per patient and audited response)")
    if events != expected:
        sys.exit("the audited phases did not store exactly one AuditEvent per patient and response")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "setup":
        setup()
    elif command == "time":
        time_phase(sys.argv[2], sys.argv[3])
    elif command == "report":
        report(int(sys.argv[2]))
    else:
        sys.exit(__doc__)
