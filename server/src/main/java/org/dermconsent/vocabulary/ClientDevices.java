package org.dermconsent.vocabulary;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A client application as a resource the server's own writes can refer to: {@code Device/<client id>}
 * (see {@link WithdrawalNotices#ownerFor}), which a withdrawal notice's owner and a dataset's source
 * name, and which must resolve (referential integrity on write).
 */
public class ClientDevices {

	private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

	private final IFhirResourceDao<Device> devices;

	public ClientDevices(DaoRegistry daoRegistry) {
		this.devices = daoRegistry.getResourceDao(Device.class);
	}

	/**
	 * {@code Device/<client id>}, created (update-as-create, naming the client by identifier) in the
	 * caller's transaction if it does not exist yet; empty if the client id cannot be a resource id.
	 */
	public Optional<String> deviceOf(String client) {
		if (!FHIR_ID.matcher(client).matches()) {
			return Optional.empty();
		}
		// looked up by search, not read: a failed read would mark the caller's transaction rollback-only
		if (devices.searchForIds(SearchParameterMap.newSynchronous().add("_id", new TokenParam(client)),
				new SystemRequestDetails()).isEmpty()) {
			Device device = new Device();
			device.setId(new IdType("Device", client));
			device.addIdentifier().setSystem(WithdrawalNotices.CLIENT_ID_SYSTEM).setValue(client);
			device.addDeviceName().setName(client).setType(Device.DeviceNameType.USERFRIENDLYNAME);
			devices.update(device, new SystemRequestDetails());
		}
		return Optional.of(WithdrawalNotices.ownerFor(client));
	}
}
