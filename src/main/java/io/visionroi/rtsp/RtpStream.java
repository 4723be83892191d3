package io.visionroi.rtsp;

import io.vertx.core.buffer.Buffer;

import java.util.concurrent.ThreadLocalRandom;

/**
 * One reader's RTP stream over its RTSP connection (RFC 2326, 10.12: {@code $}, the channel, a 16-bit length,
 * the packet): its own SSRC, sequence numbers and timestamp base, all random at the start (RFC 3550, 5.1). A
 * new ffmpeg of the camera starts its clock again; the stream's timestamps go on one picture later instead of
 * jumping back, so the reader sees one continuous stream.
 */
public final class RtpStream {

  private static final int RTP_HEADER = 12;
  private static final int INTERLEAVED_HEADER = 4;
  /** The step after a new timeline when no interval between pictures is known yet: 1/30 s. */
  private static final long DEFAULT_STEP = RtpPacketizer.CLOCK_RATE / 30;

  private final int channel;
  private final int ssrc;
  private int sequence;
  private long offset;
  private boolean newTimeline = true;
  private long lastTime = -1;
  private long lastStep = DEFAULT_STEP;

  public RtpStream(int channel) {
    this.channel = channel;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    this.ssrc = random.nextInt();
    this.sequence = random.nextInt(0x10000);
    this.offset = random.nextLong(0x1_0000_0000L);
  }

  /** The sequence number of the next packet, for the PLAY answer's RTP-Info. */
  public int nextSequence() {
    return sequence;
  }

  /** The next picture's time starts a new timeline (a new ffmpeg of the camera). */
  public void newTimeline() {
    newTimeline = true;
  }

  /** The picture's packets, each behind its interleaved header, as one buffer to write. */
  public Buffer packets(RtpPacketizer.Picture picture) {
    if (newTimeline && lastTime >= 0) {
      offset = lastTime + lastStep - picture.time();
    }
    newTimeline = false;
    long time = picture.time() + offset;
    if (lastTime >= 0 && time > lastTime && time - lastTime < RtpPacketizer.CLOCK_RATE) {
      lastStep = time - lastTime;
    }
    lastTime = time;
    int size = 0;
    for (byte[] payload : picture.payloads()) {
      size += INTERLEAVED_HEADER + RTP_HEADER + payload.length;
    }
    Buffer out = Buffer.buffer(size);
    int last = picture.payloads().size() - 1;
    for (int i = 0; i <= last; i++) {
      byte[] payload = picture.payloads().get(i);
      out.appendByte((byte) '$').appendByte((byte) channel).appendUnsignedShort(RTP_HEADER + payload.length)
          .appendByte((byte) 0x80)
          .appendByte((byte) ((i == last ? 0x80 : 0) | Sdp.PAYLOAD_TYPE))
          .appendUnsignedShort(sequence)
          .appendUnsignedInt(time & 0xFFFF_FFFFL)
          .appendInt(ssrc)
          .appendBytes(payload);
      sequence = (sequence + 1) & 0xFFFF;
    }
    return out;
  }
}
