package io.visionroi.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * What this JVM logs at WARN or above while open (an in-JVM service's lines), for tests of what an operator
 * sees; or what one class logs, kept off the console ({@link #keeping}): lines a test provokes on purpose are
 * its to check, not a green run's noise.
 */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final boolean wasAdditive;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    this((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME), true);
  }

  private LogCapture(Logger logger, boolean additive) {
    this.logger = logger;
    this.wasAdditive = logger.isAdditive();
    appender.start();
    logger.addAppender(appender);
    logger.setAdditive(additive);
  }

  /** What {@code source}'s logger says while open, and only here. */
  public static LogCapture keeping(Class<?> source) {
    return keeping(source.getName());
  }

  /** The same, by the logger's name (for a class the test cannot see). */
  public static LogCapture keeping(String loggerName) {
    return new LogCapture((Logger) LoggerFactory.getLogger(loggerName), false);
  }

  /** The lines at WARN or above so far, each "LEVEL logger - message" with " (stack trace)" when one came with it. */
  public List<String> warnings() {
    return List.copyOf(appender.list).stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(e -> e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage()
            + (e.getThrowableProxy() != null ? " (stack trace)" : ""))
        .toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setAdditive(wasAdditive);
    appender.stop();
  }
}
