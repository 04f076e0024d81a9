package org.dermconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.consent.Fixtures.*;
import static org.dermconsent.consent.ImageUse.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule of DESIGN.md section 3, one row per situation. Each row states the expected outcome and
 * which consent and provision must have decided it ({@code null, null} = the default policy).
 */
class ConsentDeciderTest {

    private final ConsentDecider decider = new ConsentDecider();

    /** One row of the table; its name is what JUnit reports. */
    record Case(String name, List<ImageConsent> consents, ImageFacts image, AccessRequest request,
            boolean permit, String consent, String provision) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Case> CASES = new ArrayList<>();

    private static void permit(String name, List<ImageConsent> consents, ImageFacts image, AccessRequest request,
            String consent, String provision) {
        CASES.add(new Case(name, consents, image, request, true, consent, provision));
    }

    private static void deny(String name, List<ImageConsent> consents, ImageFacts image, AccessRequest request,
            String consent, String provision) {
        CASES.add(new Case(name, consents, image, request, false, consent, provision));
    }

    static final String ROOT = "provision";
    static final String P0 = "provision.provision[0]";
    static final String P1 = "provision.provision[1]";
    static final String P0_0 = "provision.provision[0].provision[0]";
    static final String P0_0_0 = "provision.provision[0].provision[0].provision[0]";

    // A typical opt-in consent: de-identified images may be used to train AI.
    static final Provision AI_DEID = Provision.permit().withPurposes(AI_TRAINING).withIdentifiability(DEID);
    static final Provision SECONDARY = Provision.permit().withPurposes(SECONDARY_USE);

    static {
        List<ImageConsent> none = List.of();
        // --- Rule 2: no governing consent -----------------------------------------------------------
        permit("no consent: clinical-care permitted by default", none, image(ID), request(CLINICAL_CARE), null, null);
        deny("no consent: care-team-sharing denied", none, image(ID), request(CARE_TEAM_SHARING), null, null);
        deny("no consent: ai-training of a deidentified image denied", none, image(DEID), request(AI_TRAINING), null, null);
        deny("no consent: research denied", none, image(ID), request(RESEARCH), null, null);

        // --- Rule 1: only active consents count ----------------------------------------------------
        for (ConsentStatus status : List.of(ConsentStatus.INACTIVE, ConsentStatus.DRAFT, ConsentStatus.PROPOSED,
                ConsentStatus.REJECTED, ConsentStatus.ENTERED_IN_ERROR)) {
            List<ImageConsent> only = List.of(new ImageConsent("Consent/1", status, JAN_2025, optIn(SECONDARY)));
            deny(status.code() + " only: grants nothing", only, image(DEID), request(RESEARCH), null, null);
            permit(status.code() + " only: clinical-care by default", only, image(ID), request(CLINICAL_CARE), null, null);
        }
        List<ImageConsent> inactiveDeniesCare = List.of(new ImageConsent("Consent/1", ConsentStatus.INACTIVE, JAN_2025,
                optIn(Provision.deny().withPurposes(CLINICAL_CARE))));
        permit("inactive only: its deny of clinical-care has no effect", inactiveDeniesCare, image(ID),
                request(CLINICAL_CARE), null, null);

        List<ImageConsent> olderGenerousNewerStrict = List.of(
                active("Consent/old", JAN_2025, optIn(SECONDARY)),
                active("Consent/new", JUN_2025, optIn(Provision.permit().withPurposes(EDUCATION))));
        deny("two actives: newest governs, older's wider grant ignored", olderGenerousNewerStrict, image(ID),
                request(AI_TRAINING), "Consent/new", ROOT);
        permit("two actives: newest's grant applies", olderGenerousNewerStrict, image(ID), request(EDUCATION),
                "Consent/new", P0);
        List<ImageConsent> newestWithdrawn = List.of(
                active("Consent/old", JAN_2025, optIn(SECONDARY)),
                new ImageConsent("Consent/new", ConsentStatus.INACTIVE, JUN_2025, optIn()));
        permit("newest withdrawn (inactive): previous active governs again", newestWithdrawn, image(ID),
                request(AI_TRAINING), "Consent/old", P0);
        List<ImageConsent> newestEnteredInError = List.of(
                active("Consent/old", JAN_2025, optIn()),
                new ImageConsent("Consent/new", ConsentStatus.ENTERED_IN_ERROR, JUN_2025, optIn(SECONDARY)));
        deny("newer entered-in-error consent grants nothing", newestEnteredInError, image(ID), request(RESEARCH),
                "Consent/old", ROOT);
        List<ImageConsent> sameDateTime = List.of(
                active("Consent/10", JAN_2025, optIn()),
                active("Consent/9", JAN_2025, optIn(SECONDARY)));
        permit("same dateTime: highest id governs (deterministic)", sameDateTime, image(ID), request(RESEARCH),
                "Consent/9", P0);
        List<ImageConsent> missingDateTime = List.of(
                active("Consent/undated", null, optIn(SECONDARY)),
                active("Consent/dated", JAN_2025, optIn()));
        deny("missing dateTime sorts oldest", missingDateTime, image(ID), request(RESEARCH), "Consent/dated", ROOT);

        // --- Rule 3: root deny + permit ai-training of deidentified images ----------------------------
        List<ImageConsent> aiDeid = List.of(active("Consent/7", optIn(AI_DEID)));
        permit("ai-training deidentified: deidentified image permitted", aiDeid, image(DEID), request(AI_TRAINING),
                "Consent/7", P0);
        deny("ai-training deidentified: identifiable image denied by root", aiDeid, image(ID), request(AI_TRAINING),
                "Consent/7", ROOT);
        deny("ai-training deidentified: unlabelled image treated as identifiable", aiDeid, image(null),
                request(AI_TRAINING), "Consent/7", ROOT);
        deny("ai-training deidentified: research on deidentified image denied", aiDeid, image(DEID), request(RESEARCH),
                "Consent/7", ROOT);
        deny("ai-training deidentified: care-team-sharing denied by root", aiDeid, image(ID),
                request(CARE_TEAM_SHARING), "Consent/7", ROOT);

        // --- secondary-use covers its five children ------------------------------------------------
        List<ImageConsent> secondary = List.of(active("Consent/2", optIn(SECONDARY)));
        for (ImageUse child : List.of(EDUCATION, PUBLICATION, CONFERENCE, AI_TRAINING, RESEARCH)) {
            permit("secondary-use grant covers " + child.code(), secondary, image(ID), request(child), "Consent/2", P0);
        }
        deny("secondary-use grant does not cover care-team-sharing", secondary, image(ID), request(CARE_TEAM_SHARING),
                "Consent/2", ROOT);

        // --- v3 codes in the consent ----------------------------------------------------------------
        List<ImageConsent> mlTraining = List.of(active("Consent/3", optIn(Provision.permit().withPurposes(v3("MLTRAINING")))));
        permit("consent v3 MLTRAINING permits ai-training", mlTraining, image(ID), request(AI_TRAINING), "Consent/3", P0);
        deny("consent v3 MLTRAINING does not permit research", mlTraining, image(ID), request(RESEARCH), "Consent/3", ROOT);
        List<ImageConsent> v3Mix = List.of(active("Consent/4", optIn(
                Provision.permit().withPurposes(v3("TRAIN"), v3("HRESCH")),
                Provision.permit().withPurposes(v3("TREAT")))));
        permit("consent v3 TRAIN permits education", v3Mix, image(ID), request(EDUCATION), "Consent/4", P0);
        permit("consent v3 HRESCH permits research", v3Mix, image(ID), request(RESEARCH), "Consent/4", P0);
        deny("consent v3 TRAIN does not permit conference", v3Mix, image(ID), request(CONFERENCE), "Consent/4", ROOT);
        permit("consent v3 TREAT permits care-team-sharing", v3Mix, image(ID), request(CARE_TEAM_SHARING), "Consent/4", P1);
        permit("consent v3 TREAT permit decides clinical-care too", v3Mix, image(ID), request(CLINICAL_CARE), "Consent/4", P1);
        List<ImageConsent> aiByImageUse = List.of(active("Consent/5", optIn(Provision.permit().withPurposes(AI_TRAINING))));
        permit("request v3 MLTRAINING matches consent ai-training", aiByImageUse, image(ID),
                request(PurposeResolver.resolveRequested(V3PurposeOfUse.SYSTEM + "|MLTRAINING")), "Consent/5", P0);

        // --- nested deny carves an exception out of a permit ---------------------------------------
        List<ImageConsent> noPublication = List.of(active("Consent/8", optIn(
                SECONDARY.withChildren(Provision.deny().withPurposes(PUBLICATION)))));
        deny("permit secondary-use, nested deny publication: publication denied", noPublication, image(ID),
                request(PUBLICATION), "Consent/8", P0_0);
        permit("permit secondary-use, nested deny publication: conference permitted", noPublication, image(ID),
                request(CONFERENCE), "Consent/8", P0);
        List<ImageConsent> siblingDeny = List.of(active("Consent/8", optIn(
                SECONDARY, Provision.deny().withPurposes(PUBLICATION))));
        deny("sibling deny at the same depth beats the permit", siblingDeny, image(ID), request(PUBLICATION),
                "Consent/8", P1);
        permit("sibling deny leaves the rest of the permit", siblingDeny, image(ID), request(RESEARCH), "Consent/8", P0);
        List<ImageConsent> exceptionToException = List.of(active("Consent/8", optIn(
                SECONDARY.withChildren(Provision.deny().withIdentifiability(ID)
                        .withChildren(Provision.permit().withPurposes(EDUCATION).withActors(UNIVERSITY))))));
        permit("permit inside deny inside permit: deepest decides", exceptionToException, image(ID),
                request(EDUCATION, UNIVERSITY), "Consent/8", P0_0_0);
        deny("permit inside deny inside permit: others hit the deny", exceptionToException, image(ID),
                request(EDUCATION, OTHER_ORG), "Consent/8", P0_0);
        permit("permit inside deny inside permit: deidentified unaffected", exceptionToException, image(DEID),
                request(EDUCATION, OTHER_ORG), "Consent/8", P0);
        List<ImageConsent> nestedUnderNonMatching = List.of(active("Consent/8", optIn(
                Provision.permit().withPurposes(EDUCATION).withChildren(Provision.permit().withPurposes(RESEARCH)))));
        deny("nested permit does not count when its parent does not match", nestedUnderNonMatching, image(ID),
                request(RESEARCH), "Consent/8", ROOT);

        // --- periods: start inclusive, end exclusive -------------------------------------------------
        List<ImageConsent> firstHalf2025 = List.of(active("Consent/11", optIn(
                SECONDARY.withPeriod(ProvisionPeriod.between(JAN_2025, JUN_2025)))));
        deny("period: before start", firstHalf2025, image(ID), at(RESEARCH, JAN_2025.minusNanos(1)), "Consent/11", ROOT);
        permit("period: at start (inclusive)", firstHalf2025, image(ID), at(RESEARCH, JAN_2025), "Consent/11", P0);
        permit("period: inside", firstHalf2025, image(ID), at(RESEARCH, NOW), "Consent/11", P0);
        permit("period: just before end", firstHalf2025, image(ID), at(RESEARCH, JUN_2025.minusNanos(1)), "Consent/11", P0);
        deny("period: at end (exclusive)", firstHalf2025, image(ID), at(RESEARCH, JUN_2025), "Consent/11", ROOT);
        deny("period: after end", firstHalf2025, image(ID), at(RESEARCH, JAN_2026), "Consent/11", ROOT);
        List<ImageConsent> openEnded = List.of(active("Consent/11", optIn(
                SECONDARY.withPeriod(ProvisionPeriod.from(JUN_2025)))));
        permit("period: open end", openEnded, image(ID), at(RESEARCH, Instant.parse("2090-01-01T00:00:00Z")), "Consent/11", P0);
        List<ImageConsent> rootExpired = List.of(active("Consent/12", optIn(SECONDARY)
                .withPeriod(ProvisionPeriod.until(JUN_2025))));
        permit("root period: while the root applies its nested permit grants", rootExpired, image(ID),
                at(RESEARCH, NOW), "Consent/12", P0);
        deny("root period over: nothing applies, default denies", rootExpired, image(ID), at(RESEARCH, JAN_2026), null, null);
        permit("root period over: clinical-care by default", rootExpired, image(ID), at(CLINICAL_CARE, JAN_2026), null, null);

        // --- actors ----------------------------------------------------------------------------------
        List<ImageConsent> platformOnly = List.of(active("Consent/13", optIn(AI_DEID.withActors(RESEARCH_PLATFORM))));
        permit("actor: named client permitted", platformOnly, image(DEID), request(AI_TRAINING, RESEARCH_PLATFORM),
                "Consent/13", P0);
        permit("actor: one of several request actors matches", platformOnly, image(DEID),
                request(AI_TRAINING, OTHER_ORG, RESEARCH_PLATFORM), "Consent/13", P0);
        deny("actor: other client denied", platformOnly, image(DEID), request(AI_TRAINING, OTHER_ORG), "Consent/13", ROOT);
        deny("actor: request without actor denied", platformOnly, image(DEID), request(AI_TRAINING), "Consent/13", ROOT);
        List<ImageConsent> allButOther = List.of(active("Consent/14", optIn(
                SECONDARY.withChildren(Provision.deny().withActors(OTHER_ORG)))));
        deny("actor: nested deny for one organisation", allButOther, image(ID), request(RESEARCH, OTHER_ORG),
                "Consent/14", P0_0);
        permit("actor: everyone else keeps the grant", allButOther, image(ID), request(RESEARCH, UNIVERSITY),
                "Consent/14", P0);
        permit("actor: anonymous request keeps the grant", allButOther, image(ID), request(RESEARCH), "Consent/14", P0);

        // --- data: grants limited to specific images -------------------------------------------------
        List<ImageConsent> oneImage = List.of(active("Consent/15", optIn(SECONDARY.withData("Media/100"))));
        permit("data: the named image", oneImage, ImageFacts.of("Media/100", ID), request(PUBLICATION), "Consent/15", P0);
        permit("data: a derivative of the named image", oneImage, ImageFacts.derivative("Media/200", "Media/100"),
                request(PUBLICATION), "Consent/15", P0);
        deny("data: another image", oneImage, ImageFacts.of("Media/300", ID), request(PUBLICATION), "Consent/15", ROOT);
        deny("data: a derivative of another image", oneImage, ImageFacts.derivative("Media/400", "Media/300"),
                request(PUBLICATION), "Consent/15", ROOT);
        List<ImageConsent> allButOne = List.of(active("Consent/16", optIn(
                SECONDARY.withChildren(Provision.deny().withData("Media/100")))));
        deny("data: nested deny of one image", allButOne, ImageFacts.of("Media/100", ID), request(EDUCATION),
                "Consent/16", P0_0);
        deny("data: nested deny follows the image into its derivative", allButOne,
                ImageFacts.derivative("Media/101", "Media/100"), request(EDUCATION), "Consent/16", P0_0);
        permit("data: other images keep the grant", allButOne, ImageFacts.of("Media/300", ID), request(EDUCATION),
                "Consent/16", P0);

        // --- Rule 4: clinical-care default with a consent ----------------------------------------------
        permit("clinical-care with an opt-in consent: default, root deny does not withdraw it", aiDeid, image(ID),
                request(CLINICAL_CARE), null, null);
        List<ImageConsent> denyCare = List.of(active("Consent/17", optIn(AI_DEID, Provision.deny().withPurposes(CLINICAL_CARE))));
        deny("explicit deny of clinical-care", denyCare, image(ID), request(CLINICAL_CARE), "Consent/17", P1);
        List<ImageConsent> denyTreat = List.of(active("Consent/18", optIn(Provision.deny().withPurposes(v3("TREAT")))));
        deny("explicit deny of clinical-care via v3 TREAT", denyTreat, image(ID), request(CLINICAL_CARE), "Consent/18", P0);
        deny("v3 TREAT deny also withholds care-team-sharing", denyTreat, image(ID), request(CARE_TEAM_SHARING),
                "Consent/18", P0);
        List<ImageConsent> denyRootCare = List.of(active("Consent/19",
                Provision.deny().withPurposes(CLINICAL_CARE, SECONDARY_USE)));
        deny("root deny naming clinical-care withdraws it", denyRootCare, image(ID), request(CLINICAL_CARE), "Consent/19", ROOT);
        List<ImageConsent> denySharing = List.of(active("Consent/20", optIn(Provision.deny().withPurposes(CARE_TEAM_SHARING))));
        permit("deny of care-team-sharing does not withdraw clinical-care", denySharing, image(ID), request(CLINICAL_CARE), null, null);
        List<ImageConsent> denySecondary = List.of(active("Consent/21", optIn(Provision.deny().withPurposes(SECONDARY_USE))));
        permit("deny of secondary-use does not withdraw clinical-care", denySecondary, image(ID), request(CLINICAL_CARE), null, null);
        List<ImageConsent> denyCareFor2025 = List.of(active("Consent/22", optIn(Provision.deny().withPurposes(CLINICAL_CARE)
                .withPeriod(ProvisionPeriod.between(JAN_2025, JAN_2026)))));
        deny("clinical-care deny within its period", denyCareFor2025, image(ID), at(CLINICAL_CARE, NOW), "Consent/22", P0);
        permit("clinical-care deny outside its period", denyCareFor2025, image(ID), at(CLINICAL_CARE, JAN_2026), null, null);
        List<ImageConsent> denyCareToOther = List.of(active("Consent/23", optIn(Provision.deny().withPurposes(v3("TREAT"))
                .withActors(OTHER_ORG))));
        deny("clinical-care denied to the named organisation", denyCareToOther, image(ID), request(CLINICAL_CARE, OTHER_ORG),
                "Consent/23", P0);
        permit("clinical-care kept for other organisations", denyCareToOther, image(ID), request(CLINICAL_CARE, UNIVERSITY),
                null, null);
        List<ImageConsent> careOnlyForUniversity = List.of(active("Consent/24", optIn(Provision.deny().withPurposes(CLINICAL_CARE)
                .withChildren(Provision.permit().withPurposes(CLINICAL_CARE).withActors(UNIVERSITY)))));
        permit("permit nested in a clinical-care deny: deepest decides", careOnlyForUniversity, image(ID),
                request(CLINICAL_CARE, UNIVERSITY), "Consent/24", P0_0);
        deny("permit nested in a clinical-care deny: others denied", careOnlyForUniversity, image(ID),
                request(CLINICAL_CARE, OTHER_ORG), "Consent/24", P0);
        List<ImageConsent> genericNestedDeny = List.of(active("Consent/25", optIn(
                SECONDARY.withChildren(Provision.deny().withIdentifiability(ID)),
                Provision.deny().withIdentifiability(ID).withActors(OTHER_ORG))));
        permit("generic denies (no purpose) do not withdraw clinical-care", genericNestedDeny, image(ID),
                request(CLINICAL_CARE, OTHER_ORG), null, null);

        // --- root permit: general nesting semantics ---------------------------------------------------
        List<ImageConsent> rootPermit = List.of(active("Consent/26", Provision.permit()
                .withChildren(Provision.deny().withIdentifiability(ID))));
        permit("root permit grants what it matches", rootPermit, image(DEID), request(PUBLICATION), "Consent/26", ROOT);
        deny("root permit with nested deny carves the exception", rootPermit, image(ID), request(PUBLICATION),
                "Consent/26", P0);
        permit("root permit: clinical-care of identifiable images decided by root (generic deny skipped)", rootPermit,
                image(ID), request(CLINICAL_CARE), "Consent/26", ROOT);
        List<ImageConsent> rootPermitScoped = List.of(active("Consent/27", Provision.permit().withPurposes(EDUCATION)));
        deny("root permit that does not match: nothing permits", rootPermitScoped, image(ID), request(RESEARCH), null, null);

        // --- unknown codes never widen access ------------------------------------------------------------
        List<ImageConsent> unknownPermit = List.of(active("Consent/28", optIn(
                Provision.permit().withPurposes(PurposeCode.of(ImageUse.SYSTEM, "everything")))));
        deny("unknown purpose in a permit grants nothing", unknownPermit, image(ID), request(RESEARCH), "Consent/28", ROOT);
        List<ImageConsent> unknownDeny = List.of(active("Consent/29", optIn(
                SECONDARY.withChildren(Provision.deny().withPurposes(PurposeCode.of("http://example.org/uses", "publishing"))))));
        deny("unknown purpose in a nested deny denies everything its parent grants (fail closed)", unknownDeny, image(ID),
                request(RESEARCH), "Consent/29", P0_0);
        permit("unknown purpose in a deny does not withdraw clinical-care", unknownDeny, image(ID), request(CLINICAL_CARE),
                null, null);
        // "do not ask me" is about consent requests, not images: it withdraws no grant
        List<ImageConsent> noRecontact = List.of(active("Consent/32", optIn(SECONDARY,
                Provision.deny().withPurposes(PurposeCode.of(ImageUse.SYSTEM, PurposeResolver.RECONTACT)))));
        permit("a deny of recontact leaves a sibling permit standing", noRecontact, image(ID), request(RESEARCH),
                "Consent/32", P0);
        deny("a deny of recontact grants nothing itself", noRecontact, image(ID), request(CARE_TEAM_SHARING),
                "Consent/32", ROOT);
        List<ImageConsent> nestedRecontact = List.of(active("Consent/33", optIn(
                SECONDARY.withChildren(Provision.deny().withPurposes(PurposeCode.bare(PurposeResolver.RECONTACT))))));
        permit("a deny of recontact nested in a permit carves nothing out", nestedRecontact, image(ID), request(EDUCATION),
                "Consent/33", P0);
        List<ImageConsent> noProvision = List.of(active("Consent/30", null));
        deny("consent without provisions: everything but clinical-care denied", noProvision, image(DEID),
                request(AI_TRAINING), null, null);
        permit("consent without provisions: clinical-care by default", noProvision, image(ID), request(CLINICAL_CARE), null, null);

        // --- the JAMA study's typical patient: yes to de-identified AI training and education, no to
        //     identifiable publication ----------------------------------------------------------------------
        List<ImageConsent> typical = List.of(active("Consent/31", optIn(
                Provision.permit().withPurposes(AI_TRAINING, EDUCATION).withIdentifiability(DEID),
                Provision.deny().withPurposes(PUBLICATION).withIdentifiability(ID))));
        permit("typical patient: deidentified ai-training", typical, image(DEID), request(AI_TRAINING), "Consent/31", P0);
        permit("typical patient: deidentified education", typical, image(DEID), request(EDUCATION), "Consent/31", P0);
        deny("typical patient: identifiable publication explicitly denied", typical, image(ID), request(PUBLICATION),
                "Consent/31", P1);
        deny("typical patient: identifiable ai-training denied by opt-in root", typical, image(ID), request(AI_TRAINING),
                "Consent/31", ROOT);
        deny("typical patient: deidentified publication never granted", typical, image(DEID), request(PUBLICATION),
                "Consent/31", ROOT);
        deny("typical patient: deidentified conference never granted", typical, image(DEID), request(CONFERENCE),
                "Consent/31", ROOT);
        permit("typical patient: clinical-care by default", typical, image(ID), request(CLINICAL_CARE), null, null);
    }

    private static AccessRequest at(ImageUse purpose, Instant time) {
        return AccessRequest.of(purpose, time);
    }

    static Stream<Case> cases() {
        return CASES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(Case c) {
        Decision decision = decider.decide(c.image(), c.consents(), c.request());

        assertThat(decision.permit()).as("permit").isEqualTo(c.permit());
        assertThat(decision.decidingConsent()).as("deciding consent").isEqualTo(c.consent());
        assertThat(decision.decidingProvision()).as("deciding provision").isEqualTo(c.provision());
        assertThat(decision.purpose()).isEqualTo(c.request().purpose());
        assertThat(decision.identifiability()).isEqualTo(c.image().effectiveIdentifiability());
        assertThat(decision.byDefaultPolicy()).isEqualTo(c.provision() == null);
        if (c.consent() != null) {
            // The reason names the consent, the verdict, the use and where in the consent it was decided.
            assertThat(decision.reason()).isEqualTo(c.consent() + (c.permit() ? " permits " : " denies ")
                    + c.request().purpose().code() + " of " + decision.identifiability().code()
                    + " images (" + c.provision() + ")");
        } else if (GoverningConsent.select(c.consents()).isEmpty()) {
            assertThat(decision.reason()).isEqualTo("No active image consent; only clinical-care is permitted by default");
        } else {
            // Default policy under a governing consent: say which consent was consulted.
            String governing = GoverningConsent.select(c.consents()).orElseThrow().id();
            assertThat(decision.reason()).contains(governing)
                    .contains(c.permit() ? "permitted by default" : "not permitted are denied");
        }
    }

    @Test
    void tableIsLarge() {
        assertThat(CASES).hasSizeGreaterThan(90);
        assertThat(CASES.stream().map(Case::name).distinct()).hasSameSizeAs(CASES);
    }

    @Test
    void exampleReasons() {
        Decision permitted = decider.decide(image(DEID), List.of(active("Consent/7", optIn(AI_DEID))), request(AI_TRAINING));
        assertThat(permitted.reason()).isEqualTo("Consent/7 permits ai-training of deidentified images (provision.provision[0])");
        Decision defaulted = decider.decide(image(ID), List.of(active("Consent/7", optIn(AI_DEID))), request(CLINICAL_CARE));
        assertThat(defaulted.reason()).isEqualTo("Consent/7 does not withdraw clinical-care, which is permitted by default");
    }

    @Test
    void governingConsentIsSelectedByStatusAndRecency() {
        ImageConsent older = active("Consent/a", JAN_2025, optIn());
        ImageConsent newer = active("Consent/b", JUN_2025, optIn());
        ImageConsent newestDraft = new ImageConsent("Consent/c", ConsentStatus.DRAFT, JAN_2026, optIn());
        assertThat(GoverningConsent.select(List.of(newer, older, newestDraft))).contains(newer);
        assertThat(GoverningConsent.select(List.of(newestDraft))).isEmpty();
    }
}
