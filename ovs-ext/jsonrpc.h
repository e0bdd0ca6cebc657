/* jsonrpc.h: a JSON-RPC 1.0 connection over a unix socket, the protocol of
 * both ovsdb-server (RFC 7047) and ovs-vswitchd's control socket
 * (ovs-appctl's unixctl).
 *
 * Messages are jansson values; framing is "one JSON value after another"
 * with no delimiter, so received bytes are buffered and jansson is asked
 * to decode the first complete value.  Echo requests from the peer are
 * answered while waiting, so a long wait never trips its inactivity probe. */
#ifndef NFV_JSONRPC_H
#define NFV_JSONRPC_H 1

#include <jansson.h>

#include "lib/diag.h"

struct jsonrpc;

/* 'target' is "unix:PATH" or a plain PATH.  NULL on failure (diag set,
 * status 1). */
struct jsonrpc *jsonrpc_open(const char *target, struct diag *);
void jsonrpc_close(struct jsonrpc *);

/* Sends 'msg' (not stolen).  0 or a diag status. */
int jsonrpc_send(struct jsonrpc *, const json_t *msg, struct diag *);

/* Waits up to 'timeout_ms' for the next message that is not an echo
 * request (those are answered here).  New reference, or NULL with diag
 * set (timeout, EOF, bad JSON). */
json_t *jsonrpc_recv(struct jsonrpc *, int timeout_ms, struct diag *);

/* Sends request 'method' with 'params' (stolen) and waits for the reply
 * with the same id.  Returns its "result" (new reference) or NULL with
 * diag set, the peer's "error" included in the message.  Notifications
 * that arrive meanwhile are queued for jsonrpc_recv(). */
json_t *jsonrpc_call(struct jsonrpc *, const char *method, json_t *params,
                     int timeout_ms, struct diag *);

#endif /* ovs-ext/jsonrpc.h */
