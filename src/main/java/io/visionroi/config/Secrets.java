package io.visionroi.config;

import java.util.regex.Pattern;

/** Masks passwords of URLs in any text before it reaches a log, an API answer or an error. */
public final class Secrets {

  // scheme://user:password@ -> scheme://user:***@ ; the password part is greedy up to the last '@'
  // of the authority, so a raw '@' inside a password is masked too.
  private static final Pattern USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^\\s/:@]*:)[^\\s/]*@");

  private Secrets() {
  }

  public static String mask(String text) {
    if (text == null || text.indexOf('@') < 0) {
      return text;
    }
    return USERINFO.matcher(text).replaceAll("$1***@");
  }
}
