package org.dermconsent.request;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.dermconsent.vocabulary.WithdrawalNotices;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;

import java.util.regex.Pattern;

/**
 * A requesting client's {@code Device/<client id>}: the server stores no Device per client ahead of
 * time, yet a request's {@code requester} must resolve (referential integrity). Created in the request's
 * own transaction when missing, naming the client by identifier, as withdrawal notices' owners are.
 */
class RequesterDevices {

	private static final Pattern FHIR_ID = Pattern.compile("^[A-Za-z0-9\\-.]{1,64}$");

	private final IFhirResourceDao<Device> devices;

	RequesterDevices(DaoRegistry daoRegistry) {
		this.devices = daoRegistry.getResourceDao(Device.class);
	}

	void ensureExists(String requester) {
		if (!requester.startsWith("Device/")) {
			return; // an Organization or Practitioner must exist already
		}
		String client = requester.substring("Device/".length());
		if (!FHIR_ID.matcher(client).matches()) {
			return;
		}
		IdType id = new IdType("Device", client);
		try {
			devices.read(id, new SystemRequestDetails());
		} catch (ResourceNotFoundException | ResourceGoneException missing) {
			Device device = new Device();
			device.setId(id);
			device.addIdentifier().setSystem(WithdrawalNotices.CLIENT_ID_SYSTEM).setValue(client);
			device.addDeviceName().setName(client).setType(Device.DeviceNameType.USERFRIENDLYNAME);
			devices.update(device, new SystemRequestDetails());
		}
	}
}
