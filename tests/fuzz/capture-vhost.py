#!/usr/bin/env python3
"""capture-vhost.py: records a real vhost-user session, to seed the fuzz
corpora of tests/fuzz/ with what real back-ends send.

A relay between nfvhost's front-end and a back-end (dpdk-testpmd net_vhost,
ovs-vswitchd; both started, as everywhere here, with --no-pci, so DPDK never
probes this machine's devices): it listens on LISTEN, and for each connection it accepts it
connects to CONNECT and passes bytes and file descriptors both ways until
either side closes.  Which side is the front-end:
  --frontend-connects   nfvhost connects to LISTEN (client mode) and the
                        back-end listens on CONNECT (testpmd net_vhost);
  --backend-connects    the back-end connects to LISTEN (OVS
                        dpdkvhostuserclient: vhost-server-path=LISTEN) and
                        nfvhost listens on CONNECT (--server).
For each session it writes, for the back-end's bytes:
  OUT-N.recv        every byte the back-end sent (corpus/vhost-recv/)
  OUT-N.negotiate   a script for fuzz-vhost-negotiate: configuration byte
                    0 (ring layout auto, one queue pair), the replies of
                    the negotiation, attach, traffic, the replies of the
                    stop, stop (corpus/vhost-negotiate/)
See tests/fuzz/README for the commands that made the committed seeds.
"""
import argparse
import array
import os
import select
import socket
import struct
import sys

VU_SET_VRING_ENABLE = 18
VU_GET_VRING_BASE = 11
MAX_FDS = 8


def relay(src, dst):
    """Moves one chunk (and its descriptors) from src to dst; returns the
    bytes, or None when src closed."""
    fds = array.array("i")
    data, anc, _, _ = src.recvmsg(65536,
                                  socket.CMSG_LEN(MAX_FDS * fds.itemsize))
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])
    if not data:
        for fd in fds:
            os.close(fd)
        return None
    anc_out = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)] if fds else []
    dst.sendmsg([data], anc_out)
    for fd in fds:
        os.close(fd)
    return data


class Stream:
    """Splits a byte stream into vhost-user messages (12-byte header:
    request, flags, size; then 'size' bytes)."""

    def __init__(self):
        self.buf = b""

    def feed(self, data):
        self.buf += data
        out = []
        while len(self.buf) >= 12:
            req, flags, size = struct.unpack("<III", self.buf[:12])
            if len(self.buf) < 12 + size:
                break
            out.append((req, self.buf[12:12 + size], self.buf[:12 + size]))
            self.buf = self.buf[12 + size:]
        return out


def script(negotiation, stop):
    """fuzz-vhost-negotiate's input: send records of at most 255 bytes."""
    out = bytearray([0])
    for part, then in ((negotiation, [2, 0, 5, 0]), (stop, [7, 0])):
        for i in range(0, len(part), 255):
            chunk = part[i:i + 255]
            out += bytes([0, len(chunk)]) + chunk
        out += bytes(then)
    return bytes(out)


def session(front, back, out):
    requests, replies = Stream(), Stream()
    raw, negotiation, stop = b"", b"", b""
    stopping = False
    while True:
        ready, _, _ = select.select([front, back], [], [])
        for s in ready:
            other = back if s is front else front
            data = relay(s, other)
            if data is None:
                return raw, negotiation, stop
            if s is front:
                for req, payload, _ in requests.feed(data):
                    num = struct.unpack("<II", payload[:8])[1] \
                        if len(payload) >= 8 else None
                    if req == VU_GET_VRING_BASE or \
                            (req == VU_SET_VRING_ENABLE and num == 0):
                        stopping = True
            else:
                raw += data
                for _, _, whole in replies.feed(data):
                    if stopping:
                        stop += whole
                    else:
                        negotiation += whole


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", required=True)
    ap.add_argument("--connect", required=True)
    side = ap.add_mutually_exclusive_group(required=True)
    side.add_argument("--frontend-connects", action="store_true")
    side.add_argument("--backend-connects", action="store_true")
    ap.add_argument("--out", required=True, help="prefix of the files")
    ap.add_argument("--sessions", type=int, default=1)
    args = ap.parse_args()

    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if os.path.exists(args.listen):
        os.unlink(args.listen)
    lsock.bind(args.listen)
    lsock.listen(1)
    for n in range(1, args.sessions + 1):
        conn, _ = lsock.accept()
        other = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        other.connect(args.connect)
        front, back = (conn, other) if args.frontend_connects \
            else (other, conn)
        raw, negotiation, stop = session(front, back, args.out)
        conn.close()
        other.close()
        with open("%s-%d.recv" % (args.out, n), "wb") as f:
            f.write(raw)
        with open("%s-%d.negotiate" % (args.out, n), "wb") as f:
            f.write(script(negotiation, stop))
        print("session %d: %d bytes from the back-end (%d in the "
              "negotiation, %d in the stop)" % (n, len(raw),
                                                len(negotiation), len(stop)),
              file=sys.stderr)
    os.unlink(args.listen)


if __name__ == "__main__":
    main()
