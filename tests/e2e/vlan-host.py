#!/usr/bin/env python3
"""vlan-host.py: the e2e test's host behind the uplink stand-in.  It owns
one address per VLAN and speaks 802.1Q from user space (test kernels may
lack the 8021q module): it answers tagged ARP requests and ICMP echo
requests for its address on that VLAN only, and counts the UDP datagrams
that reach it, per VLAN, source address and port.

Usage: vlan-host.py IFACE STATS-FILE VLAN=IP...
Runs until SIGTERM.  SIGUSR1 (and SIGTERM) write STATS-FILE (JSON, written
to a temporary file and renamed): {"udp": {"VLAN SRC-IP PORT": N},
"arp_replies": {"VLAN": N}, "echo_replies": {"VLAN": N}}."""
import importlib.util
import json
import os
import signal
import socket
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "ovs_vlan_ping", os.path.join(HERE, "..", "ovs-vlan-ping.py"))
vp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(vp)

PACKET_OUTGOING = 4
SO_RCVBUFFORCE = 33  # not in the socket module
stats = {"udp": {}, "arp_replies": {}, "echo_replies": {}}


def count(table, key):
    stats[table][key] = stats[table].get(key, 0) + 1


def write_stats(path):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(stats, f, sort_keys=True)
    os.rename(tmp, path)


def arp_reply(sock, mac, vlan, ip, src, p):
    if struct.unpack("!H", p[6:8])[0] != 1 or p[24:28] != ip:
        return
    reply = struct.pack("!HHBBH6s4s6s4s", 1, vp.ETH_P_IP, 6, 4, 2, mac, ip,
                        p[8:14], p[14:18])
    sock.send(vp.frame(src, mac, vlan, vp.ETH_P_ARP, reply))
    count("arp_replies", str(vlan))


def ip_packet(sock, mac, vlan, ip, src, p):
    if p[16:20] != ip:
        return
    hl = (p[0] & 0x0F) * 4
    if p[9] == 17:
        sport, dport = struct.unpack("!HH", p[hl:hl + 4])
        count("udp", "%d %s %d" % (vlan, socket.inet_ntoa(p[12:16]), dport))
    elif p[9] == 1 and p[hl] == 8:
        body = b"\0\0\0\0" + p[hl + 4:struct.unpack("!H", p[2:4])[0]]
        body = body[:2] + struct.pack("!H", vp.csum(body)) + body[4:]
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 0, 0, 64,
                          1, 0, ip, p[12:16])
        hdr = hdr[:10] + struct.pack("!H", vp.csum(hdr)) + hdr[12:]
        sock.send(vp.frame(src, mac, vlan, vp.ETH_P_IP, hdr + body))
        count("echo_replies", str(vlan))


def main():
    iface, path = sys.argv[1], sys.argv[2]
    addrs = {}
    for a in sys.argv[3:]:
        vlan, ip = a.split("=")
        addrs[int(vlan)] = socket.inet_aton(ip)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                         socket.htons(vp.ETH_P_ALL))
    sock.setsockopt(vp.SOL_PACKET, vp.PACKET_AUXDATA, 1)
    # A burst must not overflow the socket while this process waits for
    # the CPU it shares with the guests: room for far more than a burst.
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    sock.bind((iface, 0))
    mac = sock.getsockname()[4]
    signal.signal(signal.SIGUSR1, lambda *_: write_stats(path))
    signal.signal(signal.SIGTERM, lambda *_: (write_stats(path), sys.exit(0)))
    write_stats(path)
    while True:
        try:
            data, anc, _, addr = sock.recvmsg(65535, socket.CMSG_SPACE(64))
        except InterruptedError:
            continue
        if addr[2] == PACKET_OUTGOING:
            continue
        vlan, etype, p = vp.parse(data, anc)
        if vlan not in addrs:
            continue
        if etype == vp.ETH_P_ARP:
            arp_reply(sock, mac, vlan, addrs[vlan], data[6:12], p)
        elif etype == vp.ETH_P_IP:
            ip_packet(sock, mac, vlan, addrs[vlan], data[6:12], p)


if __name__ == "__main__":
    sys.exit(main())
