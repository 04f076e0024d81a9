package org.dermconsent.deid;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.dermconsent.consent.Identifiability;
import org.dermconsent.consent.V3PurposeOfUse;
import org.dermconsent.vocabulary.FhirImageFacts;
import org.dermconsent.deid.image.CroppedImage;
import org.dermconsent.deid.image.ImageCropper;
import org.dermconsent.deid.image.ImageMetadataStripper;
import org.dermconsent.deid.image.OrientationTag;
import org.dermconsent.deid.image.StrippedImage;
import org.dermconsent.deid.image.UnsupportedImageException;
import org.dermconsent.deid.policy.IdentifiabilityRule;
import org.dermconsent.vocabulary.DermProfiles;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes the de-identified derivative of one stored image: strips its metadata (image-deid), crops it
 * when the identifiability rule requires and the clinician attested a region, and writes the new
 * Binary, the new Media and their Provenance in one FHIR transaction (all or nothing).
 */
public class Deidentifier {

	public static final String IDENTIFYING_FEATURES = "https://dermconsent.org/fhir/StructureDefinition/identifying-features";
	static final String IMAGE_TYPE = "https://dermconsent.org/fhir/StructureDefinition/image-type";
	static final String FITZPATRICK = "https://dermconsent.org/fhir/StructureDefinition/fitzpatrick-skin-type";
	static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
	static final String PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
	static final String OBLIGATION_POLICY = "http://terminology.hl7.org/CodeSystem/v3-ObligationPolicy";
	/** The package's extension for the DICOM de-identification methods applied (CID 7050), one per method. */
	public static final String DEIDENTIFICATION_METHOD = "https://dermconsent.org/fhir/StructureDefinition/deidentification-method";
	static final String DICOM_DEID_PROFILE = "http://dicom.nema.org/medical/dicom/current/output/chtml/part15/chapter_E.html";
	private static final Pattern OWN_BINARY = Pattern.compile("(?:^|/)Binary/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?$");
	private static final Pattern ATTESTER = Pattern.compile("(Practitioner|PractitionerRole)/[A-Za-z0-9\\-.]{1,64}");

	private final IFhirResourceDao<Media> mediaDao;
	private final IFhirResourceDao<Binary> binaryDao;
	private final IFhirSystemDao<Bundle, Meta> systemDao;
	private final ImageMetadataStripper stripper = new ImageMetadataStripper();
	private final ImageCropper cropper = new ImageCropper();
	private final IdentifiabilityRule rule = new IdentifiabilityRule();

	@SuppressWarnings("unchecked")
	public Deidentifier(DaoRegistry daoRegistry) {
		this.mediaDao = daoRegistry.getResourceDao(Media.class);
		this.binaryDao = daoRegistry.getResourceDao(Binary.class);
		this.systemDao = (IFhirSystemDao<Bundle, Meta>) daoRegistry.getSystemDao();
	}

	/** The stored source image (404 when unknown, 410 when deleted). */
	public Media source(IdType mediaId) {
		return mediaDao.read(mediaId.toUnqualifiedVersionless(), new SystemRequestDetails());
	}

	/** Writes the derivative of {@code source}; returns the new Media's id (versionless, e.g. Media/12). */
	public IdType deidentify(Media source, DeidentificationRequest request, String serverBase) {
		String sourceRef = "Media/" + source.getIdElement().getIdPart();
		if (PseudonymMasking.isDeidentified(source)) {
			throw new UnprocessableEntityException(sourceRef + " is already de-identified; $deidentify takes the"
					+ " identifiable original (derivatives of derivatives are not made)");
		}
		String patient = FhirImageFacts.patient(source).orElseThrow(() -> new UnprocessableEntityException(
				sourceRef + " has no Patient subject: a de-identified derivative answers to its patient's consent"));
		if (request.attester() != null && !ATTESTER.matcher(request.attester()).matches()) {
			throw new InvalidRequestException("attester must be a reference Practitioner/{id} or PractitionerRole/{id}");
		}

		SourceBytes original = bytesOf(source, sourceRef, serverBase);
		StrippedImage stripped;
		try {
			stripped = stripper.strip(original.data(), source.getContent().getContentType());
		} catch (UnsupportedImageException e) {
			throw new UnprocessableEntityException("Cannot de-identify " + sourceRef + ": " + e.getMessage());
		}

		IdentifiabilityRule.Assessment assessment = rule.assess(bodySites(source), identifyingFeatures(source));
		if (assessment.pixelsMayIdentify()) {
			String why = String.join("; ", assessment.reasons());
			if (request.crop() == null) {
				throw new UnprocessableEntityException("Removing metadata alone cannot de-identify " + sourceRef + ": "
						+ why + ". Send crop=x,y,width,height (pixels, as displayed) of a region that shows nothing"
						+ " identifying, with attestNonIdentifying=true.");
			}
			if (!request.attestedNonIdentifying()) {
				throw new UnprocessableEntityException("Cropping " + sourceRef + " de-identifies it only if the clinician"
						+ " attests that the region shows nothing identifying (" + why + "): send attestNonIdentifying=true.");
			}
		}

		byte[] data;
		String contentType;
		Integer width = null;
		Integer height = null;
		CroppedImage cropped = null;
		if (request.crop() != null) {
			try {
				cropped = cropper.crop(stripped.data(), request.crop(),
						stripped.originalExifOrientation().orElse(1));
				// the encoder writes only its own minimal header; strip again so nothing else can be there
				StrippedImage clean = stripper.strip(cropped.data(), cropped.contentType());
				data = clean.data();
				contentType = clean.contentType();
			} catch (IllegalArgumentException e) {
				throw new InvalidRequestException(e.getMessage());
			} catch (UnsupportedImageException e) {
				throw new UnprocessableEntityException("Cannot crop " + sourceRef + ": " + e.getMessage());
			}
			width = cropped.width();
			height = cropped.height();
		} else {
			// the orientation is not identifying, and without it the photograph shows rotated: keep it alone
			data = OrientationTag.keep(stripped.data(), stripped.format(), stripped.originalExifOrientation().orElse(1));
			contentType = stripped.contentType();
			int[] size = storedSize(data);
			if (size != null) {
				width = size[0];
				height = size[1];
			}
		}

		String binaryUuid = "urn:uuid:" + UUID.randomUUID();
		String mediaUuid = "urn:uuid:" + UUID.randomUUID();

		Binary binary = new Binary();
		binary.setContentType(contentType);
		binary.setData(data);
		binary.setSecurityContext(new Reference(mediaUuid));

		Media derivative = derivative(source, sourceRef, patient, request, binaryUuid, contentType, data, width, height);
		Provenance provenance = provenance(sourceRef, original.binaryRef(), mediaUuid, binaryUuid, request, stripped,
				cropped, assessment);

		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		add(transaction, binaryUuid, binary, "Binary");
		add(transaction, mediaUuid, derivative, "Media");
		add(transaction, "urn:uuid:" + UUID.randomUUID(), provenance, "Provenance");
		Bundle response = systemDao.transaction(new SystemRequestDetails(), transaction);
		return new IdType(response.getEntry().get(1).getResponse().getLocation()).toUnqualifiedVersionless();
	}

	private static void add(Bundle bundle, String fullUrl, org.hl7.fhir.r4.model.Resource resource, String type) {
		bundle.addEntry().setFullUrl(fullUrl).setResource(resource).getRequest()
				.setMethod(Bundle.HTTPVerb.POST).setUrl(type);
	}

	private record SourceBytes(byte[] data, String binaryRef) {}

	private SourceBytes bytesOf(Media source, String sourceRef, String serverBase) {
		Attachment content = source.getContent();
		if (content.hasData()) {
			return new SourceBytes(content.getData(), null);
		}
		if (!content.hasUrl()) {
			throw new UnprocessableEntityException(sourceRef + " has no image: content has neither data nor url");
		}
		String url = content.getUrl();
		boolean local = !url.contains("://") || (serverBase != null && url.startsWith(serverBase + "/"));
		Matcher m = OWN_BINARY.matcher(url);
		if (!local || !m.find()) {
			throw new UnprocessableEntityException(sourceRef + ": content.url must name a Binary on this server"
					+ " (Binary/{id}); images held elsewhere cannot be de-identified here");
		}
		String binaryRef = "Binary/" + m.group(1);
		Binary binary;
		try {
			binary = binaryDao.read(new IdType(binaryRef), new SystemRequestDetails());
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			throw new UnprocessableEntityException(sourceRef + ": its image " + binaryRef + " does not exist");
		}
		if (!binary.hasData()) {
			throw new UnprocessableEntityException(sourceRef + ": its image " + binaryRef + " holds no data");
		}
		return new SourceBytes(binary.getData(), binaryRef);
	}

	private static List<IdentifiabilityRule.Code> bodySites(Media source) {
		return source.getBodySite().getCoding().stream().filter(Coding::hasCode)
				.map(c -> new IdentifiabilityRule.Code(c.getSystem(), c.getCode())).toList();
	}

	private static List<IdentifiabilityRule.Code> identifyingFeatures(Media source) {
		List<IdentifiabilityRule.Code> features = new ArrayList<>();
		for (Extension extension : source.getExtensionsByUrl(IDENTIFYING_FEATURES)) {
			if (extension.getValue() instanceof CodeableConcept concept && concept.hasCoding()) {
				concept.getCoding().forEach(c -> features.add(new IdentifiabilityRule.Code(c.getSystem(),
						c.hasCode() ? c.getCode() : "")));
			} else {
				// flagged without a usable code: still flagged
				features.add(new IdentifiabilityRule.Code(null, ""));
			}
		}
		return features;
	}

	private static Media derivative(Media source, String sourceRef, String patient, DeidentificationRequest request,
			String binaryUuid, String contentType, byte[] data, Integer width, Integer height) {
		Media d = new Media();
		if (source.getMeta().getProfile().stream().map(CanonicalType::getValue)
				.anyMatch(p -> p != null && p.split("\\|")[0].equals(DermProfiles.DERM_MEDIA))) {
			d.getMeta().addProfile(DermProfiles.DERM_MEDIA);
		}
		d.getMeta().addSecurity(Identifiability.SYSTEM, "deidentified", "De-identified");
		if (request.pseudonymized()) {
			d.getMeta().addSecurity(FhirImageFacts.OBSERVATION_VALUE, "PSEUDED", "pseudonymized");
		} else {
			d.getMeta().addSecurity(FhirImageFacts.OBSERVATION_VALUE, "ANONYED", "anonymized");
		}
		for (String url : List.of(IMAGE_TYPE, FITZPATRICK)) {
			Extension e = source.getExtensionByUrl(url);
			if (e != null && e.getValue() instanceof CodeableConcept concept) {
				d.addExtension(url, codesOnly(concept));
			}
		}
		d.addExtension(FhirImageFacts.DERIVED_FROM_MEDIA, new Reference(sourceRef));
		d.setStatus(source.hasStatus() ? source.getStatus() : Media.MediaStatus.COMPLETED);
		if (source.hasType()) {
			d.setType(codesOnly(source.getType()));
		}
		if (source.hasModality()) {
			d.setModality(codesOnly(source.getModality()));
		}
		if (source.hasView()) {
			d.setView(codesOnly(source.getView()));
		}
		if (source.hasBodySite()) {
			d.setBodySite(codesOnly(source.getBodySite()));
		}
		d.setSubject(new Reference(patient));
		coarsenedCreated(source).ifPresent(d::setCreated);
		if (width != null) {
			d.setWidth(width);
			d.setHeight(height);
		}
		d.getContent().setContentType(contentType).setUrl(binaryUuid).setSize(data.length).setHash(sha1(data));
		return d;
	}

	/** Codings' system, version and code only: display and text are free text and may carry anything. */
	static CodeableConcept codesOnly(CodeableConcept concept) {
		CodeableConcept copy = new CodeableConcept();
		for (Coding c : concept.getCoding()) {
			if (c.hasCode()) {
				copy.addCoding().setSystem(c.getSystem()).setVersion(c.getVersion()).setCode(c.getCode());
			}
		}
		return copy;
	}

	/** The year the image was taken, nothing finer (HIPAA Safe Harbor keeps the year of dates only). */
	static Optional<DateTimeType> coarsenedCreated(Media source) {
		DateTimeType original = source.hasCreatedDateTimeType() ? source.getCreatedDateTimeType()
				: source.hasCreatedPeriod() ? source.getCreatedPeriod().getStartElement() : null;
		if (original == null || original.getValue() == null) {
			return Optional.empty();
		}
		return Optional.of(new DateTimeType(String.format("%04d", original.getYear())));
	}

	private static Provenance provenance(String sourceRef, String sourceBinaryRef, String mediaUuid, String binaryUuid,
			DeidentificationRequest request, StrippedImage stripped, CroppedImage cropped,
			IdentifiabilityRule.Assessment assessment) {
		Provenance p = new Provenance();
		p.addTarget(new Reference(mediaUuid));
		p.addTarget(new Reference(binaryUuid));
		p.setRecorded(new Date());
		p.setOccurred(new org.hl7.fhir.r4.model.Period().setStart(new Date(), TemporalPrecisionEnum.SECOND));
		p.addPolicy(DICOM_DEID_PROFILE);
		p.setActivity(new CodeableConcept(new Coding(OBLIGATION_POLICY, "DEID", "deidentify"))
				.setText("De-identification by DermConsent $deidentify"));
		// why it was made: the request's purpose of use, where v3 has one (publication, conference do not)
		for (V3PurposeOfUse v3 : V3PurposeOfUse.values()) {
			if (v3.requestedUse() == request.purpose()) {
				p.addReason(new CodeableConcept(new Coding(V3PurposeOfUse.SYSTEM, v3.code(), null)));
			}
		}

		List<String> removed = stripped.removedKinds();
		StringBuilder basic = new StringBuilder(removed.isEmpty() ? "No embedded metadata was found"
				: "Removed embedded metadata: " + String.join(", ", removed));
		if (!stripped.retainedMetadata().isEmpty()) {
			basic.append(". Kept for rendering: ").append(String.join(", ", stripped.retainedMetadata()));
		}
		if (cropped == null && stripped.originalExifOrientation().orElse(1) != 1) {
			basic.append(". Kept: EXIF orientation ").append(stripped.originalExifOrientation().getAsInt())
					.append(" (alone, in a minimal EXIF block)");
		}
		p.addExtension(method("113100", "Basic Application Confidentiality Profile", basic.toString()));
		p.addExtension(method("113105", "Clean Descriptors Option",
				"Identifiers, notes, operator, device, encounter and free text were not copied"));
		p.addExtension(method("113107", "Retain Longitudinal Temporal Information Modified Dates Option",
				"created kept to the year only"));
		p.addExtension(method("113108", "Retain Patient Characteristics Option", "Fitzpatrick skin type kept when recorded"));
		if (cropped != null) {
			p.addExtension(method("113101", "Clean Pixel Data Option", "Cropped to x,y,width,height = " + request.crop()
					+ " of the " + cropped.displayedWidth() + "x" + cropped.displayedHeight()
					+ " image as displayed (EXIF orientation " + cropped.orientationApplied() + " applied), re-encoded as "
					+ cropped.contentType()));
			if (assessment.pixelsMayIdentify() && request.attestedNonIdentifying()) {
				p.addExtension(method("113102", "Clean Recognizable Visual Features Option",
						"The clinician attested that the cropped region shows nothing identifying (the source: "
								+ String.join("; ", assessment.reasons()) + ")"));
			}
		}

		Provenance.ProvenanceAgentComponent server = p.addAgent();
		server.setType(new CodeableConcept(new Coding(PROVENANCE_PARTICIPANT, "assembler", "Assembler")));
		server.setWho(new Reference().setDisplay("DermConsent server ($deidentify)"));
		if (request.attester() != null || (cropped != null && request.attestedNonIdentifying())) {
			Provenance.ProvenanceAgentComponent attester = p.addAgent();
			attester.setType(new CodeableConcept(new Coding(PROVENANCE_PARTICIPANT, "attester", "Attester")));
			attester.setWho(request.attester() != null ? new Reference(request.attester())
					: new Reference().setDisplay("the requesting clinician (unauthenticated request)"));
		}

		p.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE).setWhat(new Reference(sourceRef));
		if (sourceBinaryRef != null) {
			p.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE).setWhat(new Reference(sourceBinaryRef));
		}
		return p;
	}

	/**
	 * A DICOM de-identification method (DICOM's De-identification Method Code Sequence, CID 7050) as
	 * the package's extension: Provenance.reason is bound to purpose of use, activity is one code.
	 */
	private static org.hl7.fhir.r4.model.Extension method(String code, String display, String text) {
		return new org.hl7.fhir.r4.model.Extension(DEIDENTIFICATION_METHOD,
				new CodeableConcept(new Coding(DCM, code, display)).setText(text));
	}

	/** Width and height from the image header (no decoding); null when the JDK cannot tell. */
	static int[] storedSize(byte[] data) {
		try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
			Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
			if (!readers.hasNext()) {
				return null;
			}
			ImageReader reader = readers.next();
			try {
				reader.setInput(in);
				return new int[] {reader.getWidth(0), reader.getHeight(0)};
			} finally {
				reader.dispose();
			}
		} catch (Exception e) {
			return null;
		}
	}

	private static byte[] sha1(byte[] data) {
		try {
			return MessageDigest.getInstance("SHA-1").digest(data);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
