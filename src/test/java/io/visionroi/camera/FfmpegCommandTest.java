package io.visionroi.camera;

import io.visionroi.config.CameraConfig;
import io.visionroi.config.ConfigParser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FfmpegCommandTest {

  private static CameraConfig camera(String json) {
    return ConfigParser.parse(new JsonObject("{\"cameras\": [" + json + "]}")).cameras().get(0);
  }

  @Test
  void rtspWithOptionsResizedAndRateCapped() {
    List<String> args = FfmpegCommand.forCamera("/opt/ff/ffmpeg", camera("""
        {"id": "a", "url": "rtsp://u:p@cam/1", "rtspTransport": "udp", "timeout": 5,
         "inputArgs": ["-thread_queue_size", "512"], "width": 640, "fps": 7.5, "quality": 9}"""), FfmpegCommand.Encoding.JPEG);
    assertEquals(List.of("/opt/ff/ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info",
        "-protocol_whitelist", "rtsp,rtsps,rtp,srtp,udp,tcp,tls",
        "-probesize", "32", "-rtsp_transport", "udp", "-timeout", "5000000", "-thread_queue_size", "512",
        "-i", "rtsp://u:p@cam/1", "-an", "-sn", "-dn",
        "-vf", "setpts=(RTCTIME-RTCSTART)/(TB*1000000),fps=7.5,scale=640:-2,settb=1/1000,setpts=N",
        "-enc_time_base", "1/1000", "-fps_mode", "passthrough", "-c:v", "mjpeg", "-q:v", "9",
        "-f", "mjpeg", "-flush_packets", "1", "pipe:1"), args);
  }

  @Test
  void mjpegSourcePassedThroughIsCopied() {
    List<String> args = FfmpegCommand.forCamera("ffmpeg", camera("""
        {"id": "a", "url": "http://cam/video.mjpg", "timeout": 0}"""), FfmpegCommand.Encoding.COPY_JPEG);
    assertEquals(List.of("ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info",
        "-protocol_whitelist", "http,https,tcp,tls",
        "-format_whitelist", "mpjpeg,mjpeg,jpeg_pipe,mpegts,flv,h264,hevc,mov,matroska", "-fflags", "nobuffer",
        "-i", "http://cam/video.mjpg", "-an", "-sn", "-dn", "-c:v", "copy", "-f", "mjpeg", "-flush_packets", "1",
        "pipe:1"), args);
  }

  @Test
  void lavfiAndFilesPlayAtTheirOwnRate() {
    assertEquals(List.of("-re", "-f", "lavfi", "-i", "testsrc2"),
        FfmpegCommand.forCamera("ffmpeg", camera("{\"id\": \"a\", \"url\": \"lavfi:testsrc2\"}"), FfmpegCommand.Encoding.JPEG).subList(6, 11));
    assertEquals(List.of("-protocol_whitelist", "file", "-re", "-stream_loop", "-1", "-i", "/v/x.mp4"),
        FfmpegCommand.forCamera("ffmpeg", camera("{\"id\": \"a\", \"url\": \"/v/x.mp4\"}"), FfmpegCommand.Encoding.JPEG).subList(6, 13));
  }

  @Test
  void h264IsCopiedIntoFragmentedMp4AndItsJpegEncoderReadsThatOnStdin() {
    List<String> args = FfmpegCommand.forCamera("ffmpeg", camera("{\"id\": \"a\", \"url\": \"rtsp://cam/1\"}"),
        FfmpegCommand.Encoding.COPY_MP4);
    assertEquals(List.of("-c:v", "copy", "-f", "mp4", "-movflags", "empty_moov+default_base_moof+frag_every_frame",
        "-flush_packets", "1", "pipe:1"), args.subList(args.size() - 9, args.size()));
    List<String> encoder = FfmpegCommand.jpegFromMp4("ffmpeg", 7);
    assertEquals(List.of("-threads", "1", "-f", "mp4", "-i", "pipe:0"), encoder.subList(6, 12));
    assertEquals(List.of("-c:v", "mjpeg", "-q:v", "7", "-f", "mjpeg", "-flush_packets", "1", "pipe:1"),
        encoder.subList(encoder.size() - 9, encoder.size()));
  }
}
