package org.dermconsent.memory;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/** Tells the idle memory return when requests start and end. */
final class RequestActivityFilter extends OncePerRequestFilter {

	private final IdleMemoryReturn idle;

	RequestActivityFilter(IdleMemoryReturn idle) {
		this.idle = idle;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		idle.requestStarted();
		try {
			chain.doFilter(request, response);
		} finally {
			idle.requestEnded();
		}
	}
}
