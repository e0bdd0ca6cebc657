/* ovs-want.h: the ovs layer's comparison of OVSDB with the plan
 * (internal to check/). */
#ifndef NFV_CHECK_OVS_WANT_H
#define NFV_CHECK_OVS_WANT_H 1

struct check_ctx;
struct check_ovs;

/* What 'nfvhost ovs apply --plan' would change, one finding per planned
 * other_config key, bridge and port. */
void check_ovs_config(struct check_ctx *, struct check_ovs *);

#endif /* check/ovs-want.h */
