package io.visionroi.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/** What this JVM logs at WARN or above while open (an in-JVM service's lines), for tests of what an operator sees. */
public final class LogCapture implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    appender.start();
    root.addAppender(appender);
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
    root.detachAppender(appender);
    appender.stop();
  }
}
