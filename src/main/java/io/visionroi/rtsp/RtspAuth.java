package io.visionroi.rtsp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's one user, asked of RTSP readers as of HTTP clients: Digest (RFC 2617 without qop, as RTSP
 * clients speak it: the password never crosses the network) or Basic (RFC 7617, for the few clients that
 * know only it). The nonce is the connection's own, made when it opened.
 */
public final class RtspAuth {

  public static final String REALM = "VisionROI";
  private static final Pattern PARAMETER = Pattern.compile("(\\w+)\\s*=\\s*(?:\"([^\"]*)\"|([^,\\s]*))");

  private final String user;
  private final String password;

  public RtspAuth(String user, String password) {
    this.user = user;
    this.password = password;
  }

  /** The WWW-Authenticate values of a 401: Digest first, the one clients should take. */
  public List<String> challenges(String nonce) {
    return List.of("Digest realm=\"" + REALM + "\", nonce=\"" + nonce + "\", algorithm=MD5",
        "Basic realm=\"" + REALM + "\"");
  }

  /** Whether the request carries this user's credentials (for Digest, answered to {@code nonce}). */
  public boolean accepts(RtspRequest request, String nonce) {
    String authorization = request.header("Authorization");
    if (authorization == null) {
      return false;
    }
    int space = authorization.indexOf(' ');
    String scheme = space < 0 ? authorization : authorization.substring(0, space);
    String rest = space < 0 ? "" : authorization.substring(space + 1).trim();
    if (scheme.equalsIgnoreCase("Basic")) {
      return basic(rest);
    }
    return scheme.equalsIgnoreCase("Digest") && digest(parameters(rest), request.method(), nonce);
  }

  private boolean basic(String token) {
    try {
      String given = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
      return same(user + ":" + password, given);
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }

  private boolean digest(Map<String, String> given, String method, String nonce) {
    String uri = given.get("uri");
    String response = given.get("response");
    if (uri == null || response == null || !same(nonce, given.get("nonce")) || !same(user, given.get("username"))
        || !same(REALM, given.get("realm"))) {
      return false;
    }
    String ha1 = md5(user + ":" + REALM + ":" + password);
    String ha2 = md5(method + ":" + uri);
    return same(md5(ha1 + ":" + nonce + ":" + ha2), response.toLowerCase(java.util.Locale.ROOT));
  }

  private static Map<String, String> parameters(String text) {
    Map<String, String> parameters = new HashMap<>();
    Matcher m = PARAMETER.matcher(text);
    while (m.find()) {
      parameters.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2) != null ? m.group(2) : m.group(3));
    }
    return parameters;
  }

  private static boolean same(String expected, String given) {
    return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8));
  }

  private static String md5(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }
}
