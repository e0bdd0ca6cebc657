/* jsonrpc.h: a JSON-RPC 1.0 connection over a unix socket, the protocol of
 * both ovsdb-server (RFC 7047) and ovs-vswitchd's control socket
 * (ovs-appctl's unixctl).
 *
 * Messages are jansson values; framing is "one JSON value after another"
 * with no delimiter.  jansson reads the socket through a callback, so
 * every byte is decoded once, as it arrives, and a message is handed over
 * only when its top-level object is complete (never re-parsed from the
 * start on each read).  Echo requests from the peer are answered while
 * waiting, so a long wait never trips its inactivity probe.
 *
 * The peer is trusted to speak the protocol, not to be well-behaved: a
 * message larger than JSONRPC_MAX_MSG bytes, one that is not a JSON
 * object, bad JSON, or more than JSONRPC_MAX_QUEUED notifications piling
 * up during one call end the exchange with an error (status 1), never a
 * crash or unbounded memory.  Open vSwitch itself sets no size limit on a
 * received message (its JSON parser limits only nesting, to 1000 levels;
 * jansson's limit is 2048); its raft connections drop a peer whose
 * backlog passes 500 messages.  Our cap is far above what a real
 * ovsdb-server sends us (a dump of Open_vSwitch, Bridge, Port and
 * Interface is about 3 kB per interface, so 64 MiB is some 20,000 ports)
 * and bounds what a misbehaving peer can make us allocate. */
#ifndef NFV_JSONRPC_H
#define NFV_JSONRPC_H 1

#include <jansson.h>

#include "lib/diag.h"

struct jsonrpc;

#define JSONRPC_MAX_MSG (64u << 20)
#define JSONRPC_MAX_QUEUED 1000

/* 'target' is "unix:PATH" or a plain PATH.  NULL on failure (diag set,
 * status 1). */
struct jsonrpc *jsonrpc_open(const char *target, struct diag *);
/* A connection over the already connected 'fd' (taken over: closed by
 * jsonrpc_close()), called 'name' in messages.  For tests and fuzzing. */
struct jsonrpc *jsonrpc_open_fd(int fd, const char *name);
void jsonrpc_close(struct jsonrpc *);

/* Sends 'msg' (not stolen; NULL is refused with status 1).  0 or a diag
 * status. */
int jsonrpc_send(struct jsonrpc *, const json_t *msg, struct diag *);

/* Waits up to 'timeout_ms' for the next message that is not an echo
 * request (those are answered here).  New reference, or NULL with diag
 * set (timeout, EOF, bad JSON, too big). */
json_t *jsonrpc_recv(struct jsonrpc *, int timeout_ms, struct diag *);

/* Sends request 'method' with 'params' (stolen) and waits for the reply
 * with the same id.  Returns its "result" (new reference) or NULL with
 * diag set, the peer's "error" included in the message.  Notifications
 * that arrive meanwhile are queued for jsonrpc_recv(). */
json_t *jsonrpc_call(struct jsonrpc *, const char *method, json_t *params,
                     int timeout_ms, struct diag *);

#endif /* ovs-ext/jsonrpc.h */
