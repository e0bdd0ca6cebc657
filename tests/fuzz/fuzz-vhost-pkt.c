/* fuzz-vhost-pkt.c: libFuzzer target for the test-frame parser of the
 * traffic tools (vhost/pkt.c): any bytes a switch delivers are parsed with
 * every length checked, and a frame of ours survives a round trip.
 *
 * Input: the first byte picks the frame size (64 + 23 * n, up to 1518);
 * the rest is parsed as a received frame, then stamped into a frame of
 * that size with the sequence number and time taken from it, which must
 * parse back to exactly those.  Seeds: frames captured from the harness
 * (ours through OVS, and a TAP guest's ARP and IPv6 neighbour traffic). */
#include <config.h>

#include "tests/fuzz/fuzz.h"
#include "vhost/pkt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    uint32_t frame_size = PKT_MIN_SIZE + 23u * fuzz_u8(&in);
    struct pkt_template t;
    struct pkt_flow flow;
    uint8_t *copy, buf[PKT_MAX_SIZE];
    uint64_t seq, ts, want_seq, want_ts;
    size_t len;
    const uint8_t *rest = fuzz_bytes(&in, PKT_MAX_SIZE + 100, &len);

    /* An exact-size heap copy, so that ASan sees any read past it. */
    copy = malloc(len ? len : 1);
    memcpy(copy, rest, len);
    if (pkt_parse(copy, len, &seq, &ts)) {
        fuzz_check(len >= PKT_PAYLOAD_OFS + 18, "parsed %zu bytes", len);
    }
    free(copy);

    in.p = data;
    in.n = size;
    fuzz_u8(&in);
    want_seq = fuzz_uint(&in, 8);
    want_ts = fuzz_uint(&in, 8);
    pkt_flow_default(&flow);
    flow.src_port = fuzz_u16(&in);
    pkt_template_init(&t, &flow, frame_size > PKT_MAX_SIZE ? PKT_MAX_SIZE
                                                           : frame_size);
    pkt_stamp(buf, &t, want_seq, want_ts, fuzz_u16(&in));
    fuzz_check(pkt_parse(buf, t.len, &seq, &ts) && seq == want_seq
               && ts == want_ts, "round trip of seq %llu",
               (unsigned long long) want_seq);
    return 0;
}
