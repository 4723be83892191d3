#!/usr/bin/env python3
"""A loopback RTSP test camera (GStreamer's RTSP server), for tests, benches and trials by hand.

  python3 scripts/rtsp-camera.py --port 18654 [--codec h264|h265|mjpeg] [--gop 2] [--fps 15]
      [--size 640x480] [--bitrate 1000] [--noise] [--path /cam] [--user U --password PW] [--shared]
      [--seek-on-play] [--jump-every S [--jump-by S]]

Serves a moving test pattern at rtsp://127.0.0.1:PORT/PATH over RTSP/TCP (interleaved) and RTP/UDP,
prints one line "ready rtsp://127.0.0.1:PORT/PATH" once it listens and "session opened" for each RTSP
session a client opens (a camera's few sessions are what a re-stream saves), and stops on SIGTERM or SIGINT.
--port 0 takes a free port (the ready line names it). Any other path gives 404; with --user, a wrong
or missing password gives 401.
--shared: one pipeline for all clients, as a camera has: a client joining while another watches
starts mid-GOP. It still runs only while someone watches (the next client after the last one left
gets a fresh pipeline, key frame first). Default: a fresh pipeline per client.
--seek-on-play: GStreamer's own behaviour, unlike a camera: each PLAY restarts the pipeline, so with
--shared every new client makes the timestamps of those already watching jump back.
--jump-every: every S seconds the timestamps step back by --jump-by seconds, like a camera whose
clock is reset.
--noise: a noisy picture instead of a ball on black, so the encoder really spends --bitrate (kbit/s)
as a camera's main stream does (a ball costs it almost nothing whatever the bitrate).
"""
import argparse
import ctypes
import os
import signal
import sys

# Die with whoever started us (a test JVM, a bench script), even if it is SIGKILLed: no stray cameras.
PR_SET_PDEATHSIG = 1
ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

try:
    import gi
except ImportError:
    # A python without PyGObject (pyenv, a venv): Debian's own python3 has python3-gi. The death
    # signal survives exec.
    if os.path.exists('/usr/bin/python3') and os.path.realpath(sys.executable) != '/usr/bin/python3':
        os.execv('/usr/bin/python3', ['/usr/bin/python3'] + sys.argv)
    raise
gi.require_version('Gst', '1.0')
gi.require_version('GstRtsp', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

HOST = '127.0.0.1'
ROLE = 'viewer'


def parse_args():
    p = argparse.ArgumentParser(description='Loopback RTSP test camera.')
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--codec', choices=('h264', 'h265', 'mjpeg'), default='h264')
    p.add_argument('--gop', type=float, default=2, help='seconds between key frames (h264, h265)')
    p.add_argument('--fps', type=int, default=15)
    p.add_argument('--size', default='640x480')
    p.add_argument('--bitrate', type=int, default=1000, help='kbit/s (h264, h265)')
    p.add_argument('--noise', action='store_true', help='a noisy picture: the bitrate is really spent')
    p.add_argument('--path', default='/cam')
    p.add_argument('--user')
    p.add_argument('--password')
    p.add_argument('--shared', action='store_true', help='one pipeline for all clients')
    p.add_argument('--seek-on-play', action='store_true',
                   help="let each client's PLAY restart the pipeline (GStreamer's default)")
    p.add_argument('--jump-every', type=float, default=0, help='step timestamps back every S seconds')
    p.add_argument('--jump-by', type=float, default=10, help='how far back, in seconds')
    a = p.parse_args()
    if a.jump_by > a.jump_every > 0:
        p.error('--jump-by must not exceed --jump-every')
    if (a.user is None) != (a.password is None):
        p.error('--user and --password go together')
    if not a.path.startswith('/'):
        a.path = '/' + a.path
    try:
        a.width, a.height = (int(n) for n in a.size.lower().split('x'))
    except ValueError:
        p.error(f'--size {a.size}: expected WIDTHxHEIGHT')
    return a


def launch_line(a):
    gop = max(1, round(a.gop * a.fps))
    pattern = 'snow' if a.noise else 'ball'
    raw = (f'videotestsrc is-live=true pattern={pattern} ! '
           f'video/x-raw,format=I420,width={a.width},height={a.height},framerate={a.fps}/1')
    # config-interval=-1: SPS/PPS (VPS) before every key frame, in band, as cameras send them, so a
    # client can start decoding at any key frame whatever the SDP says.
    if a.codec == 'h264':
        # One slice per frame: zerolatency's sliced threads plus config-interval=-1 put SPS/PPS before
        # each slice of a key frame, which ffmpeg then decodes as two half frames with one timestamp.
        enc = (f'x264enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} bitrate={a.bitrate} '
               f'sliced-threads=false threads=1 ! rtph264pay name=pay0 pt=96 config-interval=-1')
    elif a.codec == 'h265':
        # A fixed GOP: no extra key frames at scene cuts, none earlier than keyint.
        enc = (f'x265enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} bitrate={a.bitrate} '
               f'option-string="keyint={gop}:min-keyint={gop}:scenecut=0" ! '
               f'rtph265pay name=pay0 pt=96 config-interval=-1')
    else:
        enc = 'jpegenc quality=80 ! rtpjpegpay name=pay0 pt=26'
    return f'( {raw} ! {enc} )'


def not_seekable(_pad, info):
    """Answers the pipeline's seekability query with no, as a live camera would. Otherwise the
    server honours the Range: npt=0.000- of every PLAY (ffmpeg sends one) with a flushing seek, which
    on a shared pipeline restarts the encoder and the timestamps of every client already watching."""
    if info.get_query().type != Gst.QueryType.SEEKING:
        return Gst.PadProbeReturn.OK
    return Gst.PadProbeReturn.HANDLED  # answered as created: not seekable (Python may not write it)


class JumpingClock:
    """Shifts buffer timestamps back by `by` every `every` seconds, just before the payloader, so the
    RTP timestamps (and the RTCP sender reports that follow them) step backwards."""

    def __init__(self, every, by):
        self.every = int(every * Gst.SECOND)
        self.by = int(by * Gst.SECOND)
        self.shift = 0
        self.next_jump = None

    def probe(self, pad, info):
        buf = info.get_buffer()
        if self.next_jump is None:
            self.next_jump = buf.pts + self.every
        elif buf.pts >= self.next_jump:
            self.next_jump += self.every
            self.shift += self.by
            print(f'jump back {self.by / Gst.SECOND:g} s', file=sys.stderr, flush=True)
        # Only ever moved back (sinks send late buffers at once, early ones would wait), and never
        # below zero since --jump-by <= --jump-every.
        for field in ('pts', 'dts'):
            t = getattr(buf, field)
            if t != Gst.CLOCK_TIME_NONE:
                setattr(buf, field, t - self.shift)
        return Gst.PadProbeReturn.OK


def main():
    a = parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(HOST)
    server.set_service(str(a.port))

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch_line(a))
    factory.set_shared(a.shared)
    factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP)
    # UDP: without a pool the RTP/RTCP sockets bind to 0.0.0.0; this keeps them on loopback.
    pool = GstRtspServer.RTSPAddressPool()
    pool.add_range(HOST, HOST, 20000, 59999, 0)
    factory.set_address_pool(pool)

    def on_media(_factory, media):
        pay_in = media.get_element().get_by_name('pay0').get_static_pad('sink')
        if not a.seek_on_play:
            pay_in.add_probe(Gst.PadProbeType.QUERY_UPSTREAM, not_seekable)
        if a.jump_every > 0:
            pay_in.add_probe(Gst.PadProbeType.BUFFER, JumpingClock(a.jump_every, a.jump_by).probe)
    factory.connect('media-configure', on_media)

    if a.user is not None:
        # Basic auth: only this user's token carries the role that may see and build the media;
        # no (or a wrong) password means no token, hence 401.
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, ROLE)
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(a.user, a.password), token)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role(ROLE, GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
        permissions.add_permission_for_role(ROLE, GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)
        factory.set_permissions(permissions)

    def on_client(_server, client):
        client.connect('new-session', lambda _client, _session: print('session opened', flush=True))
    server.connect('client-connected', on_client)

    # Only this path is mounted: any other gives 404.
    server.get_mount_points().add_factory(a.path, factory)

    if server.attach(None) == 0:
        print(f'cannot listen on {HOST}:{a.port}', file=sys.stderr, flush=True)
        return 1
    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print(f'ready rtsp://{HOST}:{server.get_bound_port()}{a.path}', flush=True)
    loop.run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
