"""Bundle ingest benchmark (driven by bench/bundle-ingest.sh): how long an EHR's transaction takes that brings
patients' derm image consents together with their images, against the same writes in two transactions
(consents first, then images). Each round stores PATIENTS (10) new patients with 11 Binaries each, then
either one transaction of their Consents and Media (10 and 110) or two (Consents; Media). Prints each round and the medians
of the rounds after the first WARMUP (JIT warm-up)."""
import base64, json, os, statistics, sys, time, urllib.request, uuid

from derm_resources import IDENTIFIABILITY, training_consent

BASE, ROUNDS, WARMUP = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
PATIENTS, IMAGES = int(os.environ.get("PATIENTS", "10")), 11
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


def transaction(entries):
    body = json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": entries}).encode()
    request = urllib.request.Request(BASE + "/", data=body, method="POST",
                                     headers={"Content-Type": "application/fhir+json", "Accept": "application/fhir+json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        answered = json.load(response)
    if len(answered.get("entry", [])) != len(entries):
        raise SystemExit(f"transaction answered {len(answered.get('entry', []))} entries, expected {len(entries)}")
    return time.perf_counter() - started


def entry(method, url, resource):
    return {"resource": resource, "request": {"method": method, "url": url}}


def media(patient, binary):
    return {"resourceType": "Media", "meta": {"security": [{"system": IDENTIFIABILITY, "code": "deidentified"}]},
            "status": "completed", "subject": {"reference": "Patient/" + patient},
            "content": {"contentType": "image/jpeg", "url": "Binary/" + binary}}


def population():
    prefix = "bi" + uuid.uuid4().hex[:8]
    people, consents, images = [], [], []
    for p in range(PATIENTS):
        patient = f"{prefix}-p{p}"
        people.append(entry("PUT", "Patient/" + patient, {"resourceType": "Patient", "id": patient}))
        consents.append(entry("POST", "Consent", training_consent(patient)))
        for i in range(IMAGES):
            binary = f"{patient}-b{i}"
            people.append(entry("PUT", "Binary/" + binary, {"resourceType": "Binary", "id": binary, "contentType": "image/jpeg",
                                                             "data": base64.b64encode(JPEG + i.to_bytes(4, "big")).decode()}))
            images.append(entry("POST", "Media", media(patient, binary)))
    return people, consents, images


def permitted_for_training(count_before):
    request = urllib.request.Request(BASE + "/Media?_summary=count", headers={
        "Accept": "application/fhir+json", "X-Purpose-Of-Use": "ai-training"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.load(response)["total"] - count_before


together, apart = [], []
for round_ in range(ROUNDS):
    for kind in ("one", "two"):
        people, consents, images = population()
        transaction(people)
        before = permitted_for_training(0)
        if kind == "one":
            seconds = transaction(consents + images)
            together.append(seconds)
        else:
            seconds = transaction(consents) + transaction(images)
            apart.append(seconds)
        labelled = permitted_for_training(before)
        if labelled != PATIENTS * IMAGES:
            raise SystemExit(f"{labelled} images permitted for AI training after the round, expected {PATIENTS * IMAGES}")
        print(f"round {round_ + 1}, {kind} transaction(s): {seconds:.2f} s ({PATIENTS * IMAGES / seconds:.0f} images/s)", flush=True)

one, two = statistics.median(together[WARMUP:]), statistics.median(apart[WARMUP:])
print(f"median of rounds {WARMUP + 1}-{ROUNDS}: {PATIENTS} consents and {PATIENTS * IMAGES} images in one transaction "
      f"{one:.2f} s ({PATIENTS * IMAGES / one:.0f} images/s); the same in two transactions {two:.2f} s "
      f"({PATIENTS * IMAGES / two:.0f} images/s); ratio {one / two:.2f}")
