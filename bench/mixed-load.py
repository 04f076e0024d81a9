#!/usr/bin/env python3
"""A mixed load for bench/startup-compare.sh: for a given number of seconds, with a few threads, writes
small transactions (a patient, a derm-image-use consent, five images; now and then the consent is
withdrawn and granted again), reads images back, and searches images for clinical care and for
ai-training, walking a few pages. Uses consent-bench.py's resources. Talks to 127.0.0.1 only.
Prints one JSON line: requests per kind (a toggle that lost to a concurrent one counts as
"toggle-conflict"), errors, and the first few errors."""
import argparse
import importlib.util
import json
import os
import random
import threading
import time

spec = importlib.util.spec_from_file_location("consent_bench", os.path.join(os.path.dirname(__file__), "consent-bench.py"))
cb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cb)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--base", required=True)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    client = cb.Client(args.base, 120)
    counts, errors, lock = {}, [], threading.Lock()
    deadline = time.monotonic() + args.seconds
    patients = []  # (patient id, consent id, [media ids])

    def count(kind, error=None):
        with lock:
            counts[kind] = counts.get(kind, 0) + 1
            if error:
                counts["errors"] = counts.get("errors", 0) + 1
                if len(errors) < 5:
                    errors.append(f"{kind}: {str(error).splitlines()[-1][:300]}")

    def write(rng):
        pop = cb.build_population(5, 5, rng.getrandbits(32), 0.0)
        p = pop[0]
        p["consents"] = [{"status": "active", "dateTime": "2025-03-01T10:00:00Z", "permits": [(["ai-training"], None)]}]
        bundle, _ = cb.transaction([p], "people")
        resp, _ = client.request("POST", "/fhir", bundle)
        locs = [e["response"]["location"].split("/_history")[0] for e in resp["entry"]]
        p["id"] = locs[0].split("/")[-1]
        bundle, _ = cb.transaction([p], "images")
        resp, _ = client.request("POST", "/fhir", bundle)
        media = [e["response"]["location"].split("/_history")[0] for e in resp["entry"]]
        with lock:
            patients.append((p["id"], locs[1], media))

    def toggle(rng):
        with lock:
            if not patients:
                return
            pid, consent, _ = rng.choice(patients)
        body, _ = client.request("GET", "/fhir/" + consent)
        body["status"] = "inactive" if body["status"] == "active" else "active"
        # as a careful client would: the update applies only to the version read (the two threads may
        # toggle the same consent; the loser gets 412 or 409, counted as a conflict, not an error)
        client.request("PUT", "/fhir/" + consent, body, headers={"If-Match": f'W/"{body["meta"]["versionId"]}"'})

    def read(rng):
        with lock:
            if not patients:
                return
            _, _, media = rng.choice(patients)
        client.request("GET", "/fhir/" + rng.choice(media))

    def search(rng, purpose):
        headers = {"Cache-Control": "no-cache"}
        if purpose:
            headers["X-Purpose-Of-Use"] = purpose
        url = cb.search_url("study")
        for _ in range(3):
            b, _ = client.request("GET", url, headers=headers)
            url = cb.next_link(b)
            if not url:
                break

    kinds = [("write", 2, write), ("toggle", 1, toggle), ("read", 4, read),
             ("search-care", 2, lambda rng: search(rng, None)), ("search-ai", 2, lambda rng: search(rng, "ai-training"))]

    def worker(n):
        rng = random.Random(args.seed + n)
        weights = [w for _, w, _ in kinds]
        while time.monotonic() < deadline:
            kind, _, fn = rng.choices(kinds, weights)[0]
            try:
                fn(rng)
                count(kind)
            except cb.ServerError as e:
                if e.status in (409, 412):
                    count(kind + "-conflict")
                else:  # reported, the load goes on
                    count(kind, e)
                    time.sleep(0.5)
            except Exception as e:
                count(kind, e)
                time.sleep(0.5)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"seconds": args.seconds, "threads": args.threads, "requests": counts, "first_errors": errors}))


if __name__ == "__main__":
    main()
