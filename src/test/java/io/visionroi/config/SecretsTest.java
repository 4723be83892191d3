package io.visionroi.config;

import org.junit.jupiter.api.Test;

import java.util.List;

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
    assertEquals("lavfi:testsrc2", Secrets.mask("lavfi:testsrc2"));
  }

  @Test
  void masksATokenUsedAsTheUserName() {
    assertEquals("rtsp://***@cam/live", Secrets.mask("rtsp://a1b2c3d4e5@cam/live"));
  }

  @Test
  void masksEverySecretLookingQueryParameter() {
    for (String name : List.of("access_token", "api_key", "apikey", "pw", "psw", "sig", "passcode", "auth_key")) {
      assertEquals("http://cam/v?" + name + "=***&res=hd", Secrets.mask("http://cam/v?" + name + "=s3cr3t&res=hd"), name);
    }
  }

  @Test
  void masksPasswordsWithSlashesAndSpacesAndConfiguredSecretsAnywhere() {
    assertEquals("rtsp://admin:***@cam:554/live", Secrets.mask("rtsp://admin:pa/ss@cam:554/live"));
    Secrets.rememberFromUrl("rtsp://admin:my pass/w0rd@cam/live");
    assertEquals("[rtsp] rtsp://admin:***@cam/live: 401", Secrets.mask("[rtsp] rtsp://admin:my pass/w0rd@cam/live: 401"));
    assertEquals("ffmpeg said *** in a line", Secrets.mask("ffmpeg said my pass/w0rd in a line"));
    Secrets.rememberFromUrl("http://cam/v.cgi?user=op&api_key=QWERTY123");
    assertEquals("key ***", Secrets.mask("key QWERTY123"));
  }
}
