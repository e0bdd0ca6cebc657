#!/usr/bin/env python3
"""capture-ovsdb.py: records real JSON-RPC sessions with ovsdb-server and
ovs-vswitchd, to seed the jsonrpc and ovsdb fuzz corpora of tests/fuzz/
(tests/fuzz/capture-ovs.sh runs it against the test harness).

  capture-ovsdb.py relay --listen PATH --connect PATH --out PREFIX
      A relay: for each connection to LISTEN it connects to CONNECT and
      passes bytes both ways until either side closes, writing
      PREFIX-N.server (every byte the daemon sent) and PREFIX-N.client
      (every byte nfvhost sent).  Runs until killed.

  capture-ovsdb.py ovsdb --db PREFIX-N --ctl PREFIX-M... --out FILE
      An input of fuzz-ovsdb from an 'nfvhost ovs apply' session (PREFIX-N)
      and the sessions of an 'ovs status' with ovs-vswitchd (PREFIX-M, one
      per appctl command): ovsdb-server's
      replies to the dump, the change, the monitor and its cancel, with
      the ids fuzz-ovsdb's calls have (0, 1, 2, 3; apply's echo first is
      left out), the notifications where they came, then NUL, the text of
      pmd-rxq-show, NUL, that of pmd-stats-show.
"""
import argparse
import json
import os
import select
import socket
import sys


def relay(args):
    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if os.path.exists(args.listen):
        os.unlink(args.listen)
    lsock.bind(args.listen)
    lsock.listen(8)
    n = 0
    while True:
        client, _ = lsock.accept()
        n += 1
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.connect(args.connect)
        out = {server: open("%s-%d.server" % (args.out, n), "wb"),
               client: open("%s-%d.client" % (args.out, n), "wb")}
        peer = {server: client, client: server}
        open_ = True
        while open_:
            ready, _, _ = select.select([server, client], [], [])
            for s in ready:
                data = s.recv(65536)
                if not data:
                    open_ = False
                    break
                out[s].write(data)
                peer[s].sendall(data)
        for s, f in out.items():
            f.close()
            s.close()


def messages(path):
    """The JSON values of a byte stream, in order."""
    text = open(path, "rb").read().decode()
    dec = json.JSONDecoder()
    pos, msgs = 0, []
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            return msgs
        msg, pos = dec.raw_decode(text, pos)
        msgs.append(msg)


def ovsdb(args):
    requests = {m["id"]: m for m in messages(args.db + ".client")
                if m.get("method") and m.get("id") is not None}
    out = []
    next_id = 0
    for m in messages(args.db + ".server"):
        if "method" in m:
            out.append(m)       # A notification (update) or an echo.
            continue
        req = requests.get(m.get("id"))
        if req is None or req["method"] == "echo":
            continue
        m = dict(m, id=next_id)
        next_id += 1
        out.append(m)
    texts = {}
    for prefix in args.ctl:
        ctl = {m["id"]: m for m in messages(prefix + ".client")
               if "method" in m}
        for m in messages(prefix + ".server"):
            req = ctl.get(m.get("id"))
            if req is not None:
                texts[req["method"]] = m["result"]
    with open(args.out, "wb") as f:
        f.write("".join(json.dumps(m, separators=(",", ":"))
                        for m in out).encode())
        f.write(b"\0" + texts["dpif-netdev/pmd-rxq-show"].encode())
        f.write(b"\0" + texts["dpif-netdev/pmd-stats-show"].encode())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("relay")
    r.add_argument("--listen", required=True)
    r.add_argument("--connect", required=True)
    r.add_argument("--out", required=True)
    o = sub.add_parser("ovsdb")
    o.add_argument("--db", required=True)
    o.add_argument("--ctl", required=True, action="append")
    o.add_argument("--out", required=True)
    args = p.parse_args()
    {"relay": relay, "ovsdb": ovsdb}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
