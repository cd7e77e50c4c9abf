package dev.evstream.spring.web;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.util.ClassUtils;

/**
 * Tells the failures of an application's database that a retry may overcome (it cannot be
 * reached, or a transaction lost a race) from the defects of a handler, so that the first
 * are answered {@code 503} rather than {@code 500}. Spring's data access exceptions are
 * only there when the application uses Spring's data access.
 */
final class DataAccessFailures {

	private static final boolean PRESENT = ClassUtils.isPresent("org.springframework.dao.DataAccessException",
			DataAccessFailures.class.getClassLoader());

	private DataAccessFailures() {
	}

	static boolean isTransient(Throwable ex) {
		return PRESENT && Translated.isTransient(ex);
	}

	/**
	 * Loaded only when Spring's data access is present.
	 */
	private static final class Translated {

		static boolean isTransient(Throwable ex) {
			return ex instanceof DataAccessResourceFailureException || ex instanceof TransientDataAccessException;
		}

	}

}
