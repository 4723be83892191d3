package io.visionroi.config;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in any text before it reaches a log, an API answer or an error: the secrets the config
 * holds, literally, wherever they appear ({@link #rememberFromUrl}, {@link #remember}); and, in any URL,
 * the user information and the values of secret-looking query parameters.
 */
public final class Secrets {

  /** Shorter ones would mask ordinary words; URLs are masked by their shape anyway. */
  private static final int MIN_REMEMBERED = 4;
  /** Bounded: only the config adds, but reloads add again. */
  private static final int MAX_REMEMBERED = 1024;
  private static final Set<String> REMEMBERED = ConcurrentHashMap.newKeySet();
  private static volatile List<String> longestFirst = List.of();

  // scheme://user:password@host or scheme://token@host: greedy up to the last '@' that a host follows,
  // so an '@' or a '/' inside a password is masked too.
  private static final Pattern USERINFO = Pattern.compile(
      "([A-Za-z][A-Za-z0-9+.-]*://)([^\\s/:@]*)(:\\S*)?@(?=[A-Za-z0-9.\\-\\[\\]:]+(?:[/?#\\s,;'\")]|$))");

  // Query parameters whose name says secret: ?password=, &access_token=, ;api_key=, &sig=, ...
  private static final Pattern QUERY_SECRET = Pattern.compile(
      "(?i)([?&;][A-Za-z0-9_.-]*?(?:pass|pwd|psw|pw|token|key|secret|sig|auth|cred|session)[A-Za-z0-9_.-]*=)[^&;#\\s]*");

  private Secrets() {
  }

  /** From now on, {@code secret} is masked wherever it appears. */
  public static void remember(String secret) {
    if (secret == null || secret.length() < MIN_REMEMBERED || REMEMBERED.size() >= MAX_REMEMBERED
        || !REMEMBERED.add(secret)) {
      return;
    }
    longestFirst = REMEMBERED.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
  }

  /**
   * Remembers the secrets of one configured URL: its password (or its whole user information when it has
   * no password: a token), found up to the URL's last '@' so that any character may be in it, and the
   * values of its secret-looking query parameters.
   */
  public static void rememberFromUrl(String url) {
    int scheme = url.indexOf("://");
    int at = userInfoEnd(url);
    if (at > 0) {
      String userinfo = url.substring(scheme + 3, at);
      int colon = userinfo.indexOf(':');
      remember(colon < 0 ? userinfo : userinfo.substring(colon + 1));
    }
    Matcher query = QUERY_SECRET.matcher(url);
    while (query.find()) {
      remember(url.substring(query.end(1), query.end()));
    }
  }

  /** The URL without its user information, e.g. to ask a camera something without sending the password. */
  public static String withoutUserInfo(String url) {
    int at = userInfoEnd(url);
    return at > 0 ? url.substring(0, url.indexOf("://") + 3) + url.substring(at + 1) : url;
  }

  /** Index of the '@' that ends a URL's user information (its last one), or -1 when it has none. */
  private static int userInfoEnd(String url) {
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    return scheme > 0 && at > scheme + 3 ? at : -1;
  }

  public static String mask(String text) {
    if (text == null) {
      return null;
    }
    String masked = text;
    for (String secret : longestFirst) {
      if (masked.contains(secret)) {
        masked = masked.replace(secret, "***");
      }
    }
    if (masked.indexOf('@') >= 0) {
      masked = USERINFO.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(
          m.group(1) + (m.group(3) == null ? "***" : m.group(2) + ":***") + "@"));
    }
    return masked.indexOf('=') < 0 ? masked : QUERY_SECRET.matcher(masked).replaceAll("$1***");
  }

  /** ffmpeg options whose value is a secret when they appear in a camera's {@code inputArgs}. */
  public static boolean isSecretOption(String arg) {
    return switch (arg.toLowerCase(Locale.ROOT)) {
      case "-headers", "-cookies", "-password", "-passphrase", "-auth", "-key", "-token", "-srtp_in_params" -> true;
      default -> false;
    };
  }
}
