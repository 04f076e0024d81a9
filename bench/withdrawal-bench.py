"""Withdrawal benchmark (driven by bench/withdrawal.sh): how long a consent write takes that changes the labels of
all of one patient's images at once. For each size in SIZES (images per patient) it stores a new patient, the
patient's consent for de-identified AI training and that many images (transactions of at most 500 Media with
inline bytes), then withdraws and grants again ROUNDS times (PUT of the Consent with status inactive, then active),
checking after each write that a search for AI training finds none or all of the patient's images. Prints each
write and, per size, the median seconds of the withdrawals and of the grants."""
import base64, json, os, statistics, sys, time, urllib.error, urllib.request, uuid

from derm_resources import IDENTIFIABILITY, training_consent

BASE = sys.argv[1]
SIZES = [int(size) for size in os.environ.get("SIZES", "250 500 1000 2000").split()]
ROUNDS = int(os.environ.get("ROUNDS", "3"))
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


def call(method, path, body=None, headers=None):
    request = urllib.request.Request(BASE + path, data=None if body is None else json.dumps(body).encode(), method=method,
                                     headers={"Content-Type": "application/fhir+json", "Accept": "application/fhir+json",
                                              **(headers or {})})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=1200) as response:
            answered = json.load(response)
    except urllib.error.HTTPError as refused:
        raise SystemExit(f"{method} {path}: {refused.code} {refused.read().decode()[:500]}")
    return answered, time.perf_counter() - started


def media(patient, i):
    return {"resourceType": "Media", "meta": {"security": [{"system": IDENTIFIABILITY, "code": "deidentified"}],
                                              "tag": [{"system": "urn:dermconsent:bench", "code": patient}]},
            "status": "completed", "subject": {"reference": "Patient/" + patient},
            "content": {"contentType": "image/jpeg", "data": base64.b64encode(JPEG + i.to_bytes(4, "big")).decode()}}


def permitted(patient):
    answered, _ = call("GET", f"/Media?_tag=urn:dermconsent:bench|{patient}&_summary=count", headers={"X-Purpose-Of-Use": "ai-training"})
    return answered["total"]


results = {}
for size in SIZES:
    patient = "wd" + uuid.uuid4().hex[:10]
    call("PUT", "/Patient/" + patient, {"resourceType": "Patient", "id": patient})
    consent_id = call("POST", "/Consent", training_consent(patient))[0]["id"]
    for start in range(0, size, 500):
        entries = [{"resource": media(patient, i), "request": {"method": "POST", "url": "Media"}}
                   for i in range(start, min(size, start + 500))]
        call("POST", "/", {"resourceType": "Bundle", "type": "transaction", "entry": entries})
    if permitted(patient) != size:
        raise SystemExit(f"{size} images stored, {permitted(patient)} permitted before the first withdrawal")
    withdrawals, grants = [], []
    for round_ in range(ROUNDS):
        for status, expected, times in (("inactive", 0, withdrawals), ("active", size, grants)):
            _, seconds = call("PUT", "/Consent/" + consent_id, training_consent(patient, status, consent_id))
            found = permitted(patient)
            if found != expected:
                raise SystemExit(f"after the consent became {status}, {found} of {size} images permitted, expected {expected}")
            times.append(seconds)
            print(f"{size} images, round {round_ + 1}: consent {status} in {seconds:.2f} s", flush=True)
    results[size] = (statistics.median(withdrawals), statistics.median(grants))
for size, (withdrawal, grant) in results.items():
    print(f"{size} images of one patient: withdrawal {withdrawal:.2f} s ({size / withdrawal:.0f} images/s), "
          f"grant {grant:.2f} s ({size / grant:.0f} images/s) (medians of {ROUNDS})")
