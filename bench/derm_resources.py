"""DermConsent resources the write benchmarks (bundle-ingest-bench.py, withdrawal-bench.py) store."""

IDENTIFIABILITY = "https://dermconsent.org/fhir/CodeSystem/identifiability"
IMAGE_USE = "https://dermconsent.org/fhir/CodeSystem/image-use"


def training_consent(patient, status="active", consent_id=None):
    """The patient's derm image Consent permitting de-identified AI training while its status is active."""
    resource = {"resourceType": "Consent", "status": status,
                "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}]},
                "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]},
                             {"coding": [{"system": "https://dermconsent.org/fhir/CodeSystem/consent-category", "code": "derm-image-use"}]}],
                "patient": {"reference": "Patient/" + patient}, "dateTime": "2026-01-15T10:00:00Z",
                "policyRule": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN"}]},
                "provision": {"type": "deny", "provision": [{"type": "permit",
                                                              "purpose": [{"system": IMAGE_USE, "code": "ai-training"}],
                                                              "securityLabel": [{"system": IDENTIFIABILITY, "code": "deidentified"}]}]}}
    if consent_id:
        resource["id"] = consent_id
    return resource
