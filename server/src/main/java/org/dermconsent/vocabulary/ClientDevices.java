package org.dermconsent.vocabulary;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A client application as a resource the server's own writes and clients' requests can refer to:
 * {@code Device/<client id>} (see {@link WithdrawalNotices#ownerFor}), which a withdrawal notice's owner,
 * a dataset's source and a consent request's requester name, and which must resolve (referential
 * integrity on write). The server stores no Device per client ahead of time.
 *
 * <p>A missing Device is created in a transaction of its own, committed before the caller goes on:
 * created in the caller's transaction, two writers seeing it missing at once (a client's first request
 * beside a withdrawal notice for that client) would both insert it, and the later commit would fail the
 * caller's whole write with a conflict. Writers on this node take turns; a writer on another node that
 * loses the race finds the winner's Device and goes on.
 */
public class ClientDevices {

	private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
	private static final String DEVICE_PREFIX = "Device/";

	private final IFhirResourceDao<Device> devices;
	private final TransactionTemplate ownTransaction;
	private final Object[] stripes = new Object[16];

	public ClientDevices(DaoRegistry daoRegistry, PlatformTransactionManager transactionManager) {
		this.devices = daoRegistry.getResourceDao(Device.class);
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		for (int i = 0; i < stripes.length; i++) {
			stripes[i] = new Object();
		}
	}

	/**
	 * {@code Device/<client id>}, which exists (committed) when this returns; empty if the client id
	 * cannot be a resource id.
	 */
	public Optional<String> deviceOf(String client) {
		if (!FHIR_ID.matcher(client).matches()) {
			return Optional.empty();
		}
		if (!exists(client)) {
			synchronized (stripes[Math.floorMod(client.hashCode(), stripes.length)]) {
				createAlone(client);
			}
		}
		return Optional.of(WithdrawalNotices.ownerFor(client));
	}

	/**
	 * Makes a {@code Device/<client id>} reference resolve; any other reference (an Organization, a
	 * Practitioner) must exist already and is left to the write's own reference check.
	 */
	public void ensureResolves(String reference) {
		if (reference.startsWith(DEVICE_PREFIX)) {
			deviceOf(reference.substring(DEVICE_PREFIX.length()));
		}
	}

	private void createAlone(String client) {
		try {
			ownTransaction.executeWithoutResult(status -> {
				if (!exists(client)) {
					devices.update(device(client), new SystemRequestDetails());
				}
			});
		} catch (RuntimeException failed) {
			// another node's insert of the same id won; anything else leaves the Device missing
			if (!Boolean.TRUE.equals(ownTransaction.execute(status -> exists(client)))) {
				throw failed;
			}
		}
	}

	/** By search, not read: a failed read would mark the caller's transaction rollback-only. */
	private boolean exists(String client) {
		return !devices.searchForIds(SearchParameterMap.newSynchronous().add("_id", new TokenParam(client)),
				new SystemRequestDetails()).isEmpty();
	}

	private static Device device(String client) {
		Device device = new Device();
		device.setId(new IdType("Device", client));
		device.addIdentifier().setSystem(WithdrawalNotices.CLIENT_ID_SYSTEM).setValue(client);
		device.addDeviceName().setName(client).setType(Device.DeviceNameType.USERFRIENDLYNAME);
		return device;
	}
}
