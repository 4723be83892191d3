package io.visionroi.config;

import java.util.regex.Pattern;

/** Masks passwords of URLs in any text before it reaches a log, an API answer or an error. */
public final class Secrets {

  // scheme://user:password@ -> scheme://user:***@ ; the password part is greedy up to the last '@'
  // of the authority, so a raw '@' inside a password is masked too.
  private static final Pattern USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^\\s/:@]*:)[^\\s/]*@");

  // ?password=... and the like, as many MJPEG cameras take their credentials in the query string.
  private static final Pattern QUERY_SECRET = Pattern.compile(
      "(?i)([?&;](?:password|passwd|pass|pwd|token|key|auth|secret)=)[^&;\\s]*");

  private Secrets() {
  }

  public static String mask(String text) {
    if (text == null) {
      return null;
    }
    String masked = text.indexOf('@') < 0 ? text : USERINFO.matcher(text).replaceAll("$1***@");
    return text.indexOf('=') < 0 ? masked : QUERY_SECRET.matcher(masked).replaceAll("$1***");
  }
}
