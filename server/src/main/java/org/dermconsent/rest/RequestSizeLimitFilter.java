package org.dermconsent.rest;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.dermconsent.config.DermConsentProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Refuses request bodies over the configured limit with 413 and an OperationOutcome, before HAPI
 * parses anything: a declared Content-Length is checked up front, a chunked body while it is read.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class RequestSizeLimitFilter extends OncePerRequestFilter {

	private final long maxBytes;
	private final OperationOutcomeWriter outcomes;

	public RequestSizeLimitFilter(DermConsentProperties properties, FhirContext fhirContext) {
		this.maxBytes = properties.server().maxRequestBytes();
		this.outcomes = new OperationOutcomeWriter(fhirContext);
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !request.getRequestURI().startsWith(request.getContextPath() + "/fhir");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getContentLengthLong() > maxBytes) {
			outcomes.write(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "too-long", tooLargeMessage());
			return;
		}
		try {
			chain.doFilter(new LimitedBodyRequest(request, maxBytes), response);
		} catch (BodyTooLargeException e) {
			if (!response.isCommitted()) {
				response.reset();
				outcomes.write(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "too-long", tooLargeMessage());
			}
		}
	}

	private String tooLargeMessage() {
		return "Request body exceeds the limit of " + maxBytes + " bytes (dermconsent.server.max-request-bytes)";
	}

	static final class BodyTooLargeException extends IOException {
		BodyTooLargeException() {
			super("request body too large");
		}
	}

	private static final class LimitedBodyRequest extends HttpServletRequestWrapper {
		private final long maxBytes;
		private ServletInputStream stream;

		LimitedBodyRequest(HttpServletRequest request, long maxBytes) {
			super(request);
			this.maxBytes = maxBytes;
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (stream == null) {
				stream = new CountingInputStream(super.getInputStream(), maxBytes);
			}
			return stream;
		}

		@Override
		public java.io.BufferedReader getReader() throws IOException {
			String encoding = getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding();
			return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), encoding));
		}
	}

	private static final class CountingInputStream extends ServletInputStream {
		private final ServletInputStream delegate;
		private final long maxBytes;
		private long count;

		CountingInputStream(ServletInputStream delegate, long maxBytes) {
			this.delegate = delegate;
			this.maxBytes = maxBytes;
		}

		@Override
		public int read() throws IOException {
			int b = delegate.read();
			if (b >= 0) {
				count(1);
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = delegate.read(buffer, offset, length);
			if (n > 0) {
				count(n);
			}
			return n;
		}

		private void count(int n) throws BodyTooLargeException {
			count += n;
			if (count > maxBytes) {
				throw new BodyTooLargeException();
			}
		}

		@Override
		public boolean isFinished() {
			return delegate.isFinished();
		}

		@Override
		public boolean isReady() {
			return delegate.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			delegate.setReadListener(listener);
		}
	}
}
