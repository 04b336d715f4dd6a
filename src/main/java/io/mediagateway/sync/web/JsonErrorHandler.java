package io.mediagateway.sync.web;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors — those it raises before any route runs: headers or a URI over its buffers, a
 * malformed or ambiguous path, a method it will not dispatch — in the API's error shape
 * ({@code {"error","message"}}, contract §6, §18) instead of its HTML page, whatever the method and
 * whatever the client accepts.
 */
final class JsonErrorHandler extends ErrorHandler {

    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    /** Every method gets the JSON body, not only GET, POST and HEAD. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        HttpConfiguration http = request.getConnectionMetaData().getHttpConfiguration();
        byte[] body = new ApiError(code(code), message(code, message, http)).json();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 431 -> "headers_too_large";
            case 500 -> "internal";
            case 501 -> "not_implemented";
            case 503 -> "unavailable";
            case 505 -> "http_version_not_supported";
            default -> "http_" + status;
        };
    }

    private static String message(int status, String reason, HttpConfiguration http) {
        return switch (status) {
            case 414 -> "the request line is over " + http.getRequestHeaderSize() + " bytes (a token belongs in the "
                    + "Authorization header, not the URI, where it can be)";
            case 431 -> "the request's headers are over " + http.getRequestHeaderSize() + " bytes";
            case 400 -> reason == null || reason.isBlank() || "Bad Request".equalsIgnoreCase(reason.trim())
                    ? "the request is malformed: a path the server does not accept (such as %00, or '..' past the "
                            + "root), or a request line or header it cannot read"
                    : "the request is malformed: " + plain(reason);
            default -> reason == null || reason.isBlank() ? "HTTP " + status : plain(reason);
        };
    }

    /** Jetty's reason, without anything a client should not be shown (it carries no stack, only a phrase). */
    private static String plain(String reason) {
        String line = reason.lines().findFirst().orElse("");
        return line.length() <= 200 ? line : line.substring(0, 200);
    }
}
