#!/usr/bin/env python3
"""fake-ovsdb.py: a scripted JSON-RPC peer in place of ovsdb-server, for
what a real one never does: replies of unexpected shapes (issue 11, defect
8), requests without params (defect 7), huge replies (defect 11).

    fake-ovsdb.py SOCKET DUMP.json [--first-message JSON]

Listens on the unix socket SOCKET and serves clients one after another
until killed.  "echo" is answered with its params; "transact" with one
result per operation: a "select" gets {"rows": DUMP[table]} (DUMP is
{table: [rows in wire form]}), any other operation {}; any other method
(an ovs-appctl command) with the empty string, so one fake serves as both
the database and ovs-vswitchd's control socket.  With
--first-message, that text is sent to each client before its first reply
(after its first request has arrived).  The socket appears once the peer
is ready.
"""
import json
import os
import socket
import sys


def messages(conn):
    """Yields each JSON value the client sends."""
    dec = json.JSONDecoder()
    buf = ""
    while True:
        data = conn.recv(1 << 20)
        if not data:
            return
        buf += data.decode()
        while True:
            buf = buf.lstrip()
            try:
                msg, end = dec.raw_decode(buf)
            except ValueError:
                break
            buf = buf[end:]
            yield msg


def reply(msg, dump):
    method = msg.get("method")
    if method == "echo":
        result = msg.get("params", [])
    elif method == "transact":
        result = []
        for op in msg["params"][1:]:
            if op.get("op") == "select":
                result.append({"rows": dump.get(op["table"], [])})
            else:
                result.append({})
    else:
        result = ""
    return {"id": msg.get("id"), "result": result, "error": None}


def main():
    path, dump_file = sys.argv[1], sys.argv[2]
    first = None
    if "--first-message" in sys.argv:
        first = sys.argv[sys.argv.index("--first-message") + 1].encode()
    with open(dump_file) as f:
        dump = json.load(f)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    tmp = path + ".tmp"
    srv.bind(tmp)
    srv.listen(4)
    os.rename(tmp, path)
    while True:
        conn, _ = srv.accept()
        sent_first = False
        try:
            for msg in messages(conn):
                if msg.get("id") is None or "method" not in msg:
                    continue
                if first and not sent_first:
                    conn.sendall(first)
                    sent_first = True
                conn.sendall(json.dumps(reply(msg, dump)).encode())
        except (BrokenPipeError, ConnectionResetError):
            pass
        conn.close()


if __name__ == "__main__":
    main()
