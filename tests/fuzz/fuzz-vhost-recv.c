/* fuzz-vhost-recv.c: libFuzzer target for the byte stream a vhost-user
 * back-end sends the front-end (vhost/proto.c): the input is written to a
 * socketpair, and vu_recv() reads messages from it until it fails; every
 * message it returns, and every reply vu_reply_check() accepts, must be
 * within the limits the front-end relies on.  No DPDK runs here.  Seeds:
 * the replies of dpdk-testpmd and ovs-vswitchd (both run with --no-pci)
 * to a whole negotiation and stop, captured with
 * tests/fuzz/capture-vhost.py. */
#include <config.h>

#include <sys/socket.h>
#include <unistd.h>

#include "lib/diag.h"
#include "tests/fuzz/fuzz.h"
#include "vhost/proto.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int sv[2];

    if (size > 8192
        || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        return 0;
    }
    if (size && write(sv[1], data, size) != (ssize_t) size) {
        close(sv[0]);
        close(sv[1]);
        return 0;
    }
    close(sv[1]);
    for (;;) {
        struct vu_msg m;
        int fds[VU_MAX_FDS], n_fds;
        struct diag d;

        diag_init(&d);
        if (vu_recv(sv[0], &m, fds, &n_fds, 0, NULL, &d)) {
            fuzz_check(d.status == NFV_ESYSTEM && d.msg[0], "status %d",
                       d.status);
            break;
        }
        fuzz_check(m.size <= VU_MAX_PAYLOAD && !n_fds, "size %u, %d fds",
                   m.size, n_fds);
        for (uint32_t req = 0; req < 42; req++) {
            int want = vu_reply_size(req) < 0 ? 8 : vu_reply_size(req);

            diag_init(&d);
            if (!vu_reply_check(req, &m, n_fds, &d)) {
                fuzz_check(m.request == req && m.size == (uint32_t) want
                           && m.flags & VU_FLAG_REPLY,
                           "accepted as a reply to %u", req);
            }
        }
    }
    close(sv[0]);
    return 0;
}
