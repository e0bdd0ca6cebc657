#!/usr/bin/env python3
"""ovs-vlan-ping.py: a host that speaks 802.1Q without the kernel's 8021q
module (test machines may lack it).  Sends a VLAN-tagged ARP request for
DST-IP from SRC-IP on IFACE, then ICMP echo requests to the MAC that
answered, and counts replies that come back with the same tag.

Usage: ovs-vlan-ping.py IFACE VLAN SRC-IP DST-IP [COUNT]
Prints "arp-reply MAC" and "echo-replies N/COUNT"; exit 0 when every echo
was answered, 1 when nothing answered."""
import socket
import struct
import sys
import time

ETH_P_ALL, ETH_P_8021Q, ETH_P_ARP, ETH_P_IP = 0x0003, 0x8100, 0x0806, 0x0800
SOL_PACKET, PACKET_AUXDATA, TP_STATUS_VLAN_VALID = 263, 8, 0x10


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def frame(dst, src, vlan, ethertype, payload):
    return dst + src + struct.pack("!HHH", ETH_P_8021Q, vlan, ethertype) + payload


def arp_request(mac, sip, dip):
    return struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, 1, mac,
                       socket.inet_aton(sip), b"\0" * 6, socket.inet_aton(dip))


def icmp_echo(sip, dip, seq):
    body = struct.pack("!BBHHH", 8, 0, 0, 0x4E46, seq) + b"nfvhost" * 8
    body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), seq, 0, 64, 1,
                     0, socket.inet_aton(sip), socket.inet_aton(dip))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + body


def parse(data, anc):
    """(vlan, ethertype, payload) of a received frame; the tag may be in
    the frame or, when the kernel took it out, in the packet's auxiliary
    data (anc, from recvmsg)."""
    vlan = None
    for level, kind, cdata in anc:
        if level == SOL_PACKET and kind == PACKET_AUXDATA:
            status, _, _, _, _, tci = struct.unpack("IIIHHH", cdata[:18])
            if status & TP_STATUS_VLAN_VALID or tci:
                vlan = tci & 0x0FFF
    etype = struct.unpack("!H", data[12:14])[0]
    payload = data[14:]
    if etype == ETH_P_8021Q:
        vlan = struct.unpack("!H", data[14:16])[0] & 0x0FFF
        etype = struct.unpack("!H", data[16:18])[0]
        payload = data[18:]
    return vlan, etype, payload


def receive(sock, deadline):
    """Yields (vlan, ethertype, payload, src-mac) of frames until
    deadline."""
    while time.time() < deadline:
        sock.settimeout(max(0.01, deadline - time.time()))
        try:
            data, anc, _, _ = sock.recvmsg(65535, socket.CMSG_SPACE(64))
        except socket.timeout:
            return
        vlan, etype, payload = parse(data, anc)
        yield vlan, etype, payload, data[6:12]


def main():
    iface, vlan, sip, dip = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    sock.bind((iface, 0))
    mac = sock.getsockname()[4]
    peer = None
    for _ in range(3):
        sock.send(frame(b"\xff" * 6, mac, vlan, ETH_P_ARP, arp_request(mac, sip, dip)))
        for v, et, p, src in receive(sock, time.time() + 1):
            if v == vlan and et == ETH_P_ARP and struct.unpack("!H", p[6:8])[0] == 2 \
                    and p[14:18] == socket.inet_aton(dip):
                peer = p[8:14]
                break
        if peer:
            break
    if not peer:
        print("no arp-reply")
        return 1
    print("arp-reply " + ":".join("%02x" % b for b in peer))
    replies = 0
    for seq in range(1, count + 1):
        sock.send(frame(peer, mac, vlan, ETH_P_IP, icmp_echo(sip, dip, seq)))
        for v, et, p, src in receive(sock, time.time() + 1):
            if v == vlan and et == ETH_P_IP and p[9] == 1 and p[20] == 0 \
                    and p[12:16] == socket.inet_aton(dip):
                replies += 1
                break
    print("echo-replies %d/%d" % (replies, count))
    return 0 if replies == count else 1


if __name__ == "__main__":
    sys.exit(main())
