package io.visionroi.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SecretsTest {

  @Test
  void masksThePasswordOfEveryUrlInAText() {
    assertEquals("rtsp://admin:***@10.0.0.5:554/stream1", Secrets.mask("rtsp://admin:hunter2@10.0.0.5:554/stream1"));
    assertEquals("[tcp] rtsp://a:***@h/x: Connection refused, then http://b:***@h2",
        Secrets.mask("[tcp] rtsp://a:p@h/x: Connection refused, then http://b:q@h2"));
  }

  @Test
  void masksAPasswordThatHoldsAnAt() {
    assertEquals("rtsp://admin:***@cam/live", Secrets.mask("rtsp://admin:p@ss@cam/live"));
  }

  @Test
  void masksCredentialsInTheQueryString() {
    assertEquals("http://cam/video.cgi?user=admin&password=***&res=hd",
        Secrets.mask("http://cam/video.cgi?user=admin&password=secret&res=hd"));
    assertEquals("http://cam/snap?PWD=***", Secrets.mask("http://cam/snap?PWD=s3cr3t"));
  }

  @Test
  void leavesUrlsWithoutPasswordAlone() {
    assertEquals("rtsp://cam/live", Secrets.mask("rtsp://cam/live"));
    assertEquals("rtsp://user@cam/live", Secrets.mask("rtsp://user@cam/live"));
    assertEquals("lavfi:testsrc2", Secrets.mask("lavfi:testsrc2"));
  }
}
