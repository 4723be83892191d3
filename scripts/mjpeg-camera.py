#!/usr/bin/env python3
"""A loopback HTTP MJPEG test camera, for tests, benches and trials by hand.

  python3 scripts/mjpeg-camera.py --port 18554 [--size 640x480] [--fps 15] [--lifetime S] [-- INPUT...]

One ffmpeg makes the JPEGs (a moving test pattern, or the ffmpeg input and codec arguments given after --,
e.g. `-- -stream_loop -1 -i clip.mjpeg -c:v copy`) and every client that connects to
http://127.0.0.1:PORT/ gets them as multipart/x-mixed-replace, as an IP camera serves its MJPEG stream to
several clients at once. A slow client skips frames, it never holds the others back.
SIGSTOP hangs it as a camera hangs: new connections are still accepted (by the kernel) but nothing is sent;
SIGCONT and it sends again, to the old and the new connections alike. Its ffmpeg dies with it.
"""
import argparse
import ctypes
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BOUNDARY = b'visionroicamera'
PR_SET_PDEATHSIG = 1


class LatestFrame:
    """The newest JPEG and its number; clients wait for a newer one."""

    def __init__(self):
        self._changed = threading.Condition()
        self._frame = None
        self._number = 0

    def put(self, frame):
        with self._changed:
            self._frame = frame
            self._number += 1
            self._changed.notify_all()

    def after(self, number):
        with self._changed:
            self._changed.wait_for(lambda: self._number != number, timeout=5)
            return self._number, self._frame


def read_parts(stream, latest):
    """ffmpeg's mpjpeg output: each part's headers end with a blank line and name its Content-length."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return
        if line.lower().startswith(b'content-length:'):
            length = int(line.split(b':', 1)[1])
        elif line in (b'\r\n', b'\n') and length is not None:
            latest.put(stream.read(length))
            length = None


class StreamHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.0'

    def do_GET(self):
        latest = self.server.latest
        self.send_response(200)
        self.send_header('Content-Type', 'multipart/x-mixed-replace; boundary=' + BOUNDARY.decode())
        self.send_header('Cache-Control', 'no-cache')
        self.end_headers()
        number = 0
        while True:
            number, frame = latest.after(number)
            if frame is None:
                continue
            try:
                self.wfile.write(b'--%s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n%s\r\n'
                                 % (BOUNDARY, len(frame), frame))
            except OSError:
                return

    def log_message(self, *args):
        pass


class CameraServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # connections the kernel accepts for us while we are stopped


def die_with_parent():
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def main():
    args = sys.argv[1:]
    source = None
    if '--' in args:
        source = args[args.index('--') + 1:]
        args = args[:args.index('--')]
    parser = argparse.ArgumentParser(description='A loopback HTTP MJPEG test camera.')
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--size', default='640x480')
    parser.add_argument('--fps', type=int, default=15)
    parser.add_argument('--lifetime', type=float, default=0, help='exit after this many seconds (0: never)')
    options = parser.parse_args(args)
    if not source:
        source = ['-f', 'lavfi', '-i', 'testsrc2=size=%s:rate=%d' % (options.size, options.fps),
                  '-c:v', 'mjpeg', '-q:v', '7']

    server = CameraServer(('127.0.0.1', options.port), StreamHandler)
    server.latest = LatestFrame()
    ffmpeg = subprocess.Popen(['ffmpeg', '-hide_banner', '-nostdin', '-loglevel', 'error', '-re'] + source
                              + ['-an', '-f', 'mpjpeg', 'pipe:1'],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, preexec_fn=die_with_parent)

    def feed():
        read_parts(ffmpeg.stdout, server.latest)
        server.shutdown()  # no ffmpeg, no camera: the test sees it refused rather than silent forever

    threading.Thread(target=feed, daemon=True).start()
    if options.lifetime > 0:
        threading.Timer(options.lifetime, server.shutdown).start()
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print('ready http://127.0.0.1:%d/' % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    finally:
        ffmpeg.kill()


if __name__ == '__main__':
    main()
