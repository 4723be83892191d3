package io.visionroi.service;

import io.visionroi.support.FreePort;
import io.visionroi.support.Processes;
import io.visionroi.support.Resources;
import io.visionroi.support.RtspCamera;
import io.visionroi.support.RunningService;
import io.visionroi.support.ToolRun;
import io.visionroi.support.ViewerClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The re-stream with real clients: ffprobe, ffmpeg and GStreamer's rtspsrc reading {@code rtsp://…/{id}}, ffmpeg
 * reading {@code stream.mp4}, a browser's MP4 viewer beside them, all from the camera's one session; H.265; an
 * on-demand camera started by its first reader; the password; an outage that ends the readers' sessions and
 * {@code stream.mp4}.
 */
class RtspRestreamTest {

  private static final int FPS = 15;

  private final Resources opened = new Resources();
  @TempDir
  Path dir;

  @AfterEach
  void tearDown() throws Exception {
    opened.close();
  }

  private RunningService start(int rtspPort, String cameras, JsonObject http) throws Exception {
    return opened.open(RunningService.start(new JsonObject("{\"rtsp\": {\"port\": " + rtspPort + "},"
        + " \"stream\": {\"outageGrace\": 1.5, \"outageRetry\": 0.5}, \"cameras\": [" + cameras + "]}"), http));
  }

  @Test
  void threeReadersAStreamMp4AndABrowserViewerTakeOneCameraSession() throws Exception {
    RtspCamera camera = opened.open(RtspCamera.h264(2).shared().start());
    int rtspPort = FreePort.onLoopback();
    RunningService service = start(rtspPort, "{\"id\": \"door\", \"url\": \"" + camera.url() + "\"}", new JsonObject());
    assertTrue(service.awaitState("door", "live", 15_000));
    String restream = "rtsp://127.0.0.1:" + rtspPort + "/door";
    ViewerClient browser = opened.open(service.viewer("door", "?format=mp4"));

    Path rtspFile = dir.resolve("rtsp.mp4");
    Path httpFile = dir.resolve("http.mp4");
    ToolRun ffmpeg = opened.open(ToolRun.start("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
        "-rtsp_transport", "tcp", "-i", restream, "-c", "copy", "-t", "10", rtspFile.toString()));
    ToolRun overHttp = opened.open(ToolRun.start("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
        "-i", "http://127.0.0.1:" + service.port + "/api/cameras/door/stream.mp4", "-c", "copy", "-t", "10",
        httpFile.toString()));
    // ffprobe and GStreamer ask for UDP first (and get it), ffmpeg here for TCP; -v prints a line per picture at
    // GStreamer's sink.
    ToolRun gstreamer = opened.open(ToolRun.start("gst-launch-1.0", "-v", "rtspsrc", "location=" + restream,
        "latency=0", "!", "rtph264depay", "!", "h264parse", "!", "video/x-h264,alignment=au", "!", "fakesink",
        "silent=false"));
    ToolRun ffprobe = opened.open(ToolRun.start("ffprobe", "-v", "error", "-show_entries",
        "stream=codec_name,width,height", "-of", "compact", restream));
    assertEquals(0, ffprobe.await(20_000), ffprobe.output());
    assertEquals("stream|codec_name=h264|width=640|height=480", ffprobe.output().strip(),
        "over UDP, nothing refused, nothing else said");

    int framesBefore = browser.frames.size();
    Thread.sleep(4000);
    assertEquals(1, Processes.ffmpegWith(":" + camera.port() + "/").size(),
        "the service's one ffmpeg reads the camera; none is started per reader");
    assertTrue(browser.frames.size() - framesBefore >= 3 * FPS, "the browser viewer goes on meanwhile");
    String metrics = new String(service.get("/metrics").body(), StandardCharsets.UTF_8);
    assertTrue(metrics.contains("visionroi_rtsp_readers 2.0"), "ffmpeg's and GStreamer's sessions are counted");
    assertTrue(service.viewers("door") >= 4, "every reader is a viewer of the camera");

    assertEquals(0, ffmpeg.await(30_000), ffmpeg.output());
    assertEquals(0, overHttp.await(30_000), overHttp.output());
    gstreamer.interrupt();
    gstreamer.await(10_000);
    int gstPictures = count(gstreamer.output(), "fakesink0: last-message = chain");
    assertTrue(gstPictures >= 8 * FPS, "rtspsrc took " + gstPictures + " pictures in about 10 s");
    for (Path file : new Path[] {rtspFile, httpFile}) {
      String read = readBack(file);
      Matcher frames = Pattern.compile("codec_name=h264\\|width=640\\|height=480\\|nb_read_frames=(\\d+)").matcher(read);
      assertTrue(frames.find(), file + ": " + read);
      assertTrue(Integer.parseInt(frames.group(1)) >= 0.95 * 10 * FPS, file + ": " + read);
    }
    assertEquals(1, camera.sessionsOpened(), "one session with the camera for everybody");
  }

  @Test
  void anOnDemandH265CameraStartsForItsFirstReaderWithItsOwnVideo() throws Exception {
    RtspCamera camera = opened.open(RtspCamera.h265(1).size("320x240").start());
    int rtspPort = FreePort.onLoopback();
    RunningService service = start(rtspPort, "{\"id\": \"yard\", \"url\": \"" + camera.url() + "\", \"onDemand\": true}",
        new JsonObject());
    assertEquals("stopped", service.status("yard").getString("state"));
    Path file = dir.resolve("yard.mp4");
    ToolRun ffmpeg = opened.open(ToolRun.start("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
        "-rtsp_transport", "tcp", "-i", "rtsp://127.0.0.1:" + rtspPort + "/yard", "-c", "copy", "-t", "4",
        file.toString()));
    assertEquals(0, ffmpeg.await(30_000), ffmpeg.output());
    String read = readBack(file);
    Matcher frames = Pattern.compile("codec_name=hevc\\|width=320\\|height=240\\|nb_read_frames=(\\d+)").matcher(read);
    assertTrue(frames.find(), read);
    assertTrue(Integer.parseInt(frames.group(1)) >= 0.9 * 4 * FPS, read);
  }

  @Test
  void readersNeedThePasswordAndAnOutageEndsTheirSession() throws Exception {
    RtspCamera camera = opened.open(RtspCamera.h264(1).start());
    int rtspPort = FreePort.onLoopback();
    RunningService service = start(rtspPort, "{\"id\": \"gate\", \"url\": \"" + camera.url() + "\"}",
        new JsonObject().put("auth", new JsonObject().put("user", "viewer").put("password", "right-one")));
    assertTrue(service.awaitState("gate", "live", 15_000));

    ToolRun wrong = opened.open(ToolRun.start("ffprobe", "-v", "error", "-rtsp_transport", "tcp",
        "rtsp://viewer:wrong-one@127.0.0.1:" + rtspPort + "/gate"));
    assertTrue(wrong.await(15_000) != 0 && wrong.output().contains("401"), wrong.output());
    // Basic, as the few clients without Digest send it; ffmpeg below answers the Digest challenge.
    String basic = Base64.getEncoder().encodeToString("viewer:right-one".getBytes(StandardCharsets.UTF_8));
    String answer = request(rtspPort, "DESCRIBE rtsp://127.0.0.1:" + rtspPort + "/gate RTSP/1.0\r\nCSeq: 2\r\n"
        + "Authorization: Basic " + basic + "\r\n\r\n");
    assertTrue(answer.startsWith("RTSP/1.0 200 OK") && answer.contains("a=rtpmap:96 H264/90000"), answer);
    String challenge = request(rtspPort, "DESCRIBE rtsp://127.0.0.1:" + rtspPort + "/gate RTSP/1.0\r\nCSeq: 2\r\n\r\n");
    assertTrue(challenge.startsWith("RTSP/1.0 401") && challenge.contains("WWW-Authenticate: Digest"), challenge);

    String url = "rtsp://viewer:right-one@127.0.0.1:" + rtspPort + "/gate";
    ToolRun reader = opened.open(ToolRun.start("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-stats",
        "-rtsp_transport", "tcp", "-i", url, "-c", "copy", "-f", "null", "-"));
    ToolRun overHttp = opened.open(ToolRun.start("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-stats",
        "-i", "http://viewer:right-one@127.0.0.1:" + service.port + "/api/cameras/gate/stream.mp4", "-c", "copy",
        "-f", "null", "-"));
    assertTrue(Processes.waitFor(15_000, () -> reader.output().contains("frame=") && overHttp.output().contains("frame=")),
        reader.output() + overHttp.output());
    camera.freeze();
    long frozenAt = System.currentTimeMillis();
    try {
      // The outage (1.5 s without video here) ends the session: the reader sees its stream end.
      assertTrue(reader.await(15_000) >= 0, "the reader's session ended: " + reader.output());
      assertTrue(overHttp.await(5_000) >= 0, "stream.mp4 ended: " + overHttp.output());
      assertTrue(System.currentTimeMillis() - frozenAt < 10_000);
    } finally {
      camera.thaw();
    }
    assertTrue(service.awaitState("gate", "live", 20_000));
    ToolRun again = opened.open(ToolRun.start("ffprobe", "-v", "error", "-rtsp_transport", "tcp",
        "-show_entries", "stream=codec_name", "-of", "compact", url));
    assertEquals(0, again.await(20_000), again.output());
    assertTrue(again.output().contains("codec_name=h264"), again.output());
  }

  private static String readBack(Path file) throws Exception {
    ToolRun probe = ToolRun.start("ffprobe", "-v", "error", "-count_frames", "-show_entries",
        "stream=codec_name,width,height,nb_read_frames", "-of", "compact", file.toString());
    try (probe) {
      assertEquals(0, probe.await(30_000), probe.output());
      assertTrue(!probe.output().contains("rror"), "read back without errors: " + probe.output());
      return probe.output();
    }
  }

  /** One request on a connection of its own; the answer's head and body as far as they came within 5 s. */
  private static String request(int port, String text) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(text.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[8192];
      StringBuilder answer = new StringBuilder();
      while (!answer.toString().contains("\r\n\r\n") || (answer.toString().contains("Content-Length")
          && !answer.toString().contains("a=control:trackID"))) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        answer.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      }
      return answer.toString();
    }
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      n++;
    }
    return n;
  }
}
