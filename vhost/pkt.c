/* pkt.c: building and parsing the traffic tools' UDP frames (see pkt.h). */
#include <config.h>

#include "vhost/pkt.h"

#include <arpa/inet.h>
#include <string.h>

void
pkt_flow_default(struct pkt_flow *f)
{
    static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
    static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x02 };

    memcpy(f->src_mac, src, 6);
    memcpy(f->dst_mac, dst, 6);
    f->src_ip = 0xc6120001;     /* 198.18.0.1 */
    f->dst_ip = 0xc6130001;     /* 198.19.0.1 */
    f->src_port = 1024;
    f->dst_port = 1024;
}

static uint16_t
ip_checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;

    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += (p[i] << 8) | p[i + 1];
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum & 0xffff;
}

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void
put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

void
pkt_template_init(struct pkt_template *t, const struct pkt_flow *f,
                  uint32_t frame_size)
{
    uint8_t *eth = t->data, *ip = eth + 14, *udp = ip + 20;
    uint32_t len;

    if (frame_size < PKT_MIN_SIZE) {
        frame_size = PKT_MIN_SIZE;
    } else if (frame_size > PKT_MAX_SIZE) {
        frame_size = PKT_MAX_SIZE;
    }
    len = frame_size - PKT_FCS;
    memset(t, 0, sizeof *t);
    t->len = len;
    memcpy(eth, f->dst_mac, 6);
    memcpy(eth + 6, f->src_mac, 6);
    put16(eth + 12, 0x0800);
    ip[0] = 0x45;
    put16(ip + 2, len - 14);
    ip[6] = 0x40;               /* Don't fragment. */
    ip[8] = 64;                 /* TTL */
    ip[9] = 17;                 /* UDP */
    put32(ip + 12, f->src_ip);
    put32(ip + 16, f->dst_ip);
    put16(ip + 10, ip_checksum(ip, 20));
    put16(udp, f->src_port);
    put16(udp + 2, f->dst_port);
    put16(udp + 4, len - 34);
    /* UDP checksum 0: none (IPv4 allows it, and the stamp changes). */
    put16(udp + PKT_PAYLOAD_OFS - 34, PKT_MAGIC);
}

void
pkt_stamp(uint8_t *buf, const struct pkt_template *t, uint64_t seq,
          uint64_t ts_ns, uint16_t flow)
{
    memcpy(buf, t->data, t->len);
    memcpy(buf + PKT_PAYLOAD_OFS + 2, &seq, 8);
    memcpy(buf + PKT_PAYLOAD_OFS + 10, &ts_ns, 8);
    if (flow) {
        put16(buf + 34, ((t->data[34] << 8) | t->data[35]) + flow);
    }
}

bool
pkt_parse(const uint8_t *buf, uint32_t len, uint64_t *seq, uint64_t *ts_ns)
{
    const uint8_t *p = buf + PKT_PAYLOAD_OFS;

    if (len < PKT_PAYLOAD_OFS + 18
        || buf[12] != 0x08 || buf[13] != 0x00
        || buf[14] != 0x45 || buf[23] != 17
        || p[0] != (PKT_MAGIC >> 8) || p[1] != (PKT_MAGIC & 0xff)) {
        return false;
    }
    memcpy(seq, p + 2, 8);
    memcpy(ts_ns, p + 10, 8);
    return true;
}
