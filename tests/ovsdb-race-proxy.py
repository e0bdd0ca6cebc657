#!/usr/bin/env python3
"""ovsdb-race-proxy.py: a second OVSDB client that writes between the
first one's read and its commit, to test the wait guards and the retry of
'nfvhost ovs apply' (issue 11, defect 15: the race used to be driven by a
test hook inside nfvhost).

    ovsdb-race-proxy.py LISTEN UPSTREAM COMMAND

Listens on the unix socket LISTEN and relays each client, one after
another, to the ovsdb-server socket UPSTREAM.  The first time a client
sends a "transact" that changes something (an operation other than
"select", "wait" and "comment": nfvhost's commit, which comes after its
read), the proxy holds that request, runs the shell COMMAND (the other
writer, e.g. ovs-vsctl against UPSTREAM), waits for it, then passes the
request on.  Later transactions pass untouched.  The
socket appears once the proxy is ready; it runs until killed.
"""
import json
import os
import select
import socket
import subprocess
import sys

READ_ONLY = {"select", "wait", "comment"}


def is_commit(msg):
    if msg.get("method") != "transact":
        return False
    ops = msg.get("params", [])[1:]
    return any(op.get("op") not in READ_ONLY for op in ops)


def relay(client, upstream_path, command, state):
    up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    up.connect(upstream_path)
    dec = json.JSONDecoder()
    pending = ""
    while True:
        ready, _, _ = select.select([client, up], [], [])
        if up in ready:
            data = up.recv(1 << 16)
            if not data:
                break
            client.sendall(data)
        if client in ready:
            data = client.recv(1 << 16)
            if not data:
                break
            pending += data.decode()
            while True:
                start = len(pending) - len(pending.lstrip())
                try:
                    msg, end = dec.raw_decode(pending, start)
                except ValueError:
                    break
                if not state["done"] and is_commit(msg):
                    state["done"] = True
                    subprocess.run(command, shell=True, check=True)
                up.sendall(pending[:end].encode())
                pending = pending[end:]
    up.close()
    client.close()


def main():
    listen, upstream, command = sys.argv[1:4]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(listen + ".tmp")
    srv.listen(4)
    os.rename(listen + ".tmp", listen)
    state = {"done": False}
    while True:
        client, _ = srv.accept()
        relay(client, upstream, command, state)


if __name__ == "__main__":
    main()
