package org.dermconsent.keycloak;

import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenResponseMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.AccessTokenResponse;

import java.util.List;

/**
 * Puts SMART's launch context parameter {@code patient} into the token response.
 *
 * <p>A SMART app learns its patient from the token response, not from the access token (which it
 * must treat as opaque), and Keycloak's own user-attribute mapper can only write tokens. Attach this
 * mapper to the {@code launch/patient} client scope: Keycloak runs a scope's mappers only when the
 * scope is granted, so the parameter appears exactly when the app asked for a patient context.
 */
public class SmartPatientContextMapper extends AbstractOIDCProtocolMapper implements OIDCAccessTokenResponseMapper {

	public static final String PROVIDER_ID = "dermconsent-smart-patient-context";
	static final String USER_ATTRIBUTE = "user.attribute";
	static final String DEFAULT_ATTRIBUTE = "patient";
	static final String RESPONSE_PARAMETER = "patient";

	private static final List<ProviderConfigProperty> CONFIG = List.of(userAttributeProperty());

	private static ProviderConfigProperty userAttributeProperty() {
		ProviderConfigProperty property = new ProviderConfigProperty();
		property.setName(USER_ATTRIBUTE);
		property.setLabel("User attribute");
		property.setHelpText("The user attribute holding the FHIR Patient id (default: patient)");
		property.setType(ProviderConfigProperty.STRING_TYPE);
		property.setDefaultValue(DEFAULT_ATTRIBUTE);
		return property;
	}

	@Override
	public String getId() {
		return PROVIDER_ID;
	}

	@Override
	public String getDisplayCategory() {
		return TOKEN_MAPPER_CATEGORY;
	}

	@Override
	public String getDisplayType() {
		return "SMART patient launch context";
	}

	@Override
	public String getHelpText() {
		return "Adds the user's FHIR Patient id as the 'patient' parameter of the token response (SMART launch/patient).";
	}

	@Override
	public List<ProviderConfigProperty> getConfigProperties() {
		return CONFIG;
	}

	@Override
	public AccessTokenResponse transformAccessTokenResponse(AccessTokenResponse response, ProtocolMapperModel model,
			KeycloakSession session, UserSessionModel userSession, ClientSessionContext clientSessionContext) {
		String attribute = model.getConfig() == null ? null : model.getConfig().get(USER_ATTRIBUTE);
		String patient = userSession.getUser().getFirstAttribute(attribute == null || attribute.isBlank() ? DEFAULT_ATTRIBUTE : attribute);
		if (patient != null && !patient.isBlank()) {
			response.setOtherClaims(RESPONSE_PARAMETER, patient);
		}
		return response;
	}
}
