/* ovs-want.c: OVSDB against the plan, through ovs-ext's own difference.
 *
 * 'nfvhost ovs apply' computes the desired state from the plan
 * (want_from_plan()) and the difference to the database (ovs_diff()),
 * whose log has one line per change:
 *   ~ Open_vSwitch other_config:pmd-cpu-mask: 0x2 -> 0x208
 *   ~ Port vhu-vrouter1-0 tag: 100 -> 300
 *   + Port vhu-firewall1-1
 *   - Port vhu-old-0
 * The check runs the same two functions and reads that log, so "check
 * passes" and "apply has nothing to do" are the same statement.  Each
 * planned other_config key, the bridge, the uplink port and each vhost
 * port gets a finding: PASS, or FAIL with the lines about it (found ->
 * wanted). */
#include <config.h>

#include "check/ovs-want.h"

#include <stdlib.h>
#include <string.h>

#include "check/context.h"
#include "check/ovs-conn.h"
#include "lib/plan-file.h"
#include "lib/util.h"
#include "ovs-ext/apply.h"
#include "ovs-ext/want.h"

/* The other_config keys with their own finding id ("ovs.KEY"); any other
 * planned key is "ovs.other-config" with the key as its subject. */
static const char *const own_ids[] = {
    "dpdk-init", "dpdk-lcore-mask", "pmd-cpu-mask", "dpdk-socket-mem",
    "dpdk-socket-limit", "dpdk-extra", "pmd-rxq-assign",
};

/* Whether 'line' has 'word' as a whole word (followed by a space, a
 * colon or the end). */
static bool
mentions(const char *line, const char *word)
{
    size_t len = strlen(word);

    for (const char *p = strstr(line, word); p; p = strstr(p + 1, word)) {
        if ((p == line || p[-1] == ' ') && strchr(" :", p[len])) {
            return true;
        }
    }
    return false;
}

/* The diff lines that mention 'word', joined; NULL if none. */
static char *
lines_about(char **lines, size_t n, const char *word, bool *used)
{
    struct sbuf b;

    sbuf_init(&b);
    for (size_t i = 0; i < n; i++) {
        if (mentions(lines[i], word)) {
            sbuf_printf(&b, "%s%s", b.len ? "; " : "", lines[i]);
            used[i] = true;
        }
    }
    if (!b.len) {
        sbuf_destroy(&b);
        return NULL;
    }
    return sbuf_steal(&b);
}

static void
add(struct check_ctx *ctx, const char *id, const char *subject,
    const char *what, const char *diff, const char *want)
{
    check_add(ctx->r, diff ? CHECK_FAIL : CHECK_PASS, id, subject, what,
              diff ? check_str(ctx->r, "%s (found -> planned)", diff)
              : "as planned", want,
              check_str(ctx->r, "nfvhost ovs apply --plan %s",
                        ctx->plan->path));
}

static void
config_findings(struct check_ctx *ctx, char **lines, size_t n, bool *used)
{
    const struct plan_file *p = ctx->plan;
    const struct plan_file_ovs_uplink_port *u = p->ovs.uplink_port;

    for (size_t i = 0; i < p->ovs.n_other_config; i++) {
        const struct plan_file_kv *kv = &p->ovs.other_config[i];
        char *needle = xasprintf("other_config:%s", kv->key);
        char *diff = lines_about(lines, n, needle, used);
        bool own = false;
        for (size_t k = 0; k < ARRAY_SIZE(own_ids); k++) {
            own = own || !strcmp(own_ids[k], kv->key);
        }
        add(ctx, own ? check_str(ctx->r, "ovs.%s", kv->key)
            : "ovs.other-config", own ? NULL : kv->key,
            check_str(ctx->r, "Open_vSwitch other_config:%s", kv->key),
            diff, kv->value);
        free(diff);
        free(needle);
    }
    char *needle = xstrdup(p->ovs.bridge);
    char *diff = lines_about(lines, n, needle, used);
    add(ctx, "ovs.bridge", p->ovs.bridge,
        check_str(ctx->r, "bridge %s", p->ovs.bridge), diff,
        "netdev datapath");
    free(diff);
    free(needle);
    if (u) {
        needle = xstrdup(u->name);
        char *d1 = lines_about(lines, n, needle, used);
        free(needle);
        for (size_t i = 0; i < u->n_interfaces; i++) {
            needle = xstrdup(u->interfaces[i].name);
            char *d2 = lines_about(lines, n, needle, used);
            if (d2) {
                char *both = xasprintf("%s%s%s", d1 ? d1 : "",
                                       d1 ? "; " : "", d2);
                free(d1);
                d1 = both;
            }
            free(d2);
            free(needle);
        }
        add(ctx, "ovs.uplink", u->name,
            check_str(ctx->r, "uplink port %s", u->name), d1,
            check_str(ctx->r, "%zu interface(s) as planned",
                      u->n_interfaces));
        free(d1);
    }
    for (size_t v = 0; v < p->n_vms; v++) {
        for (size_t k = 0; k < p->vms[v].n_nics; k++) {
            const struct plan_file_nic *nic = &p->vms[v].nics[k];
            if (nic->type != NIC_VHOST) {
                continue;
            }
            needle = xstrdup(nic->port);
            diff = lines_about(lines, n, needle, used);
            add(ctx, "ovs.vhost-port", nic->port,
                check_str(ctx->r, "vhost-user port %s of VM %s NIC %d",
                          nic->port, p->vms[v].name, nic->index), diff,
                "dpdkvhostuserclient on the planned socket, VLAN, PMD and "
                "MTU");
            free(diff);
            free(needle);
        }
    }
}

void
check_ovs_config(struct check_ctx *ctx, struct check_ovs *ovs)
{
    struct ovs_opts o;
    struct diag d;
    struct sbuf log;
    json_t *want, *ops = NULL;
    size_t n_changes = 0, n = 0;
    char **lines = NULL, *save = NULL;
    bool *used;

    ovs_opts_init(&o);
    o.db = ovs->db;
    o.sysfs_root = ctx->root;
    ovs_opts_from_plan(&o, ctx->plan);
    diag_init(&d);
    sbuf_init(&log);
    want = want_from_plan(ctx->plan, &o, &d);
    if (want) {
        ops = ovs_diff(ovs->dump, want, &n_changes, &log, NULL, &d);
    }
    if (!ops) {
        check_add(ctx->r, CHECK_ERROR, "ovs.other-config", NULL,
                  "OVSDB against the plan", d.msg, NULL,
                  "see the message");
        goto out;
    }
    for (char *l = strtok_r(log.s, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        lines = xrealloc(lines, (n + 1) * sizeof *lines);
        lines[n++] = l + strspn(l, " ");
    }
    used = xcalloc(n ? n : 1, sizeof *used);
    config_findings(ctx, lines, n, used);
    /* Whatever apply would change and no finding above covers: managed
     * ports the plan no longer has. */
    for (size_t i = 0; i < n; i++) {
        if (!used[i]) {
            check_add(ctx->r, CHECK_FAIL, "ovs.other-config", NULL,
                      "OVSDB against the plan", lines[i],
                      "as planned", check_str(ctx->r, "nfvhost ovs apply "
                                              "--plan %s", ctx->plan->path));
        }
    }
    free(used);
out:
    free(lines);
    json_decref(ops);
    json_decref(want);
    sbuf_destroy(&log);
    diag_destroy(&d);
    ovs_opts_destroy(&o);
}
