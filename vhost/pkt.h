/* pkt.h: the test frames of the traffic tools: Ethernet + IPv4 + UDP with
 * an 18-byte payload (magic, sequence number, transmit timestamp) that
 * fits the smallest 64-byte frame.  Frames are stamped from a prebuilt
 * template (one copy and two stores per frame); received frames are
 * parsed with every length checked, since they come from the switch. */
#ifndef NFV_VHOST_PKT_H
#define NFV_VHOST_PKT_H 1

#include <stdbool.h>
#include <stdint.h>

#define PKT_FCS 4               /* Counted in frame sizes, never sent. */
#define PKT_MIN_SIZE 64
#define PKT_MAX_SIZE 1518
#define PKT_HDRS (14 + 20 + 8)
#define PKT_PAYLOAD_OFS PKT_HDRS
#define PKT_MAGIC 0x4e56        /* "NV" */

struct pkt_flow {
    uint8_t src_mac[6];
    uint8_t dst_mac[6];
    uint32_t src_ip;            /* Host byte order. */
    uint32_t dst_ip;
    uint16_t src_port;
    uint16_t dst_port;
};

struct pkt_template {
    uint8_t data[PKT_MAX_SIZE];
    uint32_t len;               /* Bytes on the wire minus the FCS. */
};

/* The default flow: 02:00:00:00:00:01 198.18.0.1 -> 02:00:00:00:00:02
 * 198.19.0.1, UDP 1024 -> 1024 (RFC 2544's benchmarking range). */
void pkt_flow_default(struct pkt_flow *);

/* 'frame_size' includes the FCS, 64..1518. */
void pkt_template_init(struct pkt_template *, const struct pkt_flow *,
                       uint32_t frame_size);

/* Writes one frame into 'buf' (room for t->len bytes): the template with
 * 'seq' and 'ts_ns' in the payload and the UDP source port advanced by
 * 'flow' (to spread frames over several flows). */
void pkt_stamp(uint8_t *buf, const struct pkt_template *, uint64_t seq,
               uint64_t ts_ns, uint16_t flow);

/* Parses a received frame: true if it is one of ours, with its sequence
 * number and timestamp. */
bool pkt_parse(const uint8_t *buf, uint32_t len, uint64_t *seq,
               uint64_t *ts_ns);

#endif /* vhost/pkt.h */
