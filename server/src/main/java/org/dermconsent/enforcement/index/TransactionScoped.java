package org.dermconsent.enforcement.index;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.function.Supplier;

/** Values kept for the current database transaction only: made on first use, dropped when it ends. */
final class TransactionScoped {

	private TransactionScoped() {}

	/** The value bound to {@code key} in this transaction, made by {@code create} on first use; needs synchronization to be active. */
	@SuppressWarnings("unchecked")
	static <T> T get(Object key, Supplier<T> create) {
		T value = (T) TransactionSynchronizationManager.getResource(key);
		if (value == null) {
			value = create.get();
			TransactionSynchronizationManager.bindResource(key, value);
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCompletion(int status) {
					TransactionSynchronizationManager.unbindResourceIfPossible(key);
				}
			});
		}
		return value;
	}
}
