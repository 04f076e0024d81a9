package org.dermconsent.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;

/**
 * Refuses a JSON or XML request body that is not text: bytes that are not valid in its charset
 * (UTF-8 unless declared), or the character U+0000. HAPI's parser would quietly replace the first
 * with U+FFFD and store the second, and neither can come from a correct client. Bodies of other
 * media types (a Binary uploaded as image/jpeg, say) are bytes and are not looked at.
 */
@Interceptor
public class RequestBodyTextInterceptor {

	@Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -1000)
	public void refuseMalformedText(RequestDetails request) {
		if (!hasBody(request)) {
			return;
		}
		String contentType = request.getHeader(Constants.HEADER_CONTENT_TYPE);
		if (contentType == null || !isJsonOrXml(contentType)) {
			return;
		}
		Charset charset = charset(contentType);
		// loaded once and kept by HAPI, which parses these same bytes afterwards
		byte[] body = request.loadRequestContents();
		CharBuffer text;
		try {
			text = charset.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(body));
		} catch (CharacterCodingException e) {
			throw new InvalidRequestException("The request body is not valid " + charset.name()
					+ " text: it holds a byte sequence that is not a character (" + e.getMessage() + ")");
		}
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) == '\0') {
				throw new InvalidRequestException("The request body holds the character U+0000 (NUL), which"
						+ " FHIR strings may not contain");
			}
		}
	}

	/** Whether the request's method carries a body (POST, PUT, PATCH). */
	static boolean hasBody(RequestDetails request) {
		RequestTypeEnum method = request.getRequestType();
		return method == RequestTypeEnum.POST || method == RequestTypeEnum.PUT || method == RequestTypeEnum.PATCH;
	}

	private static boolean isJsonOrXml(String contentType) {
		String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
		String subtype = mediaType.substring(mediaType.indexOf('/') + 1);
		return subtype.equals("json") || subtype.equals("xml") || subtype.endsWith("+json") || subtype.endsWith("+xml");
	}

	private static Charset charset(String contentType) {
		for (String parameter : contentType.split(";")) {
			String[] pair = parameter.trim().split("=", 2);
			if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("charset")) {
				String name = pair[1].trim().replace("\"", "");
				try {
					return Charset.forName(name);
				} catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
					throw new InvalidRequestException("Unknown charset '" + name + "' in Content-Type; FHIR uses UTF-8");
				}
			}
		}
		return StandardCharsets.UTF_8;
	}
}
