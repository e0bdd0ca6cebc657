/* test-intent-edit.c: editing an intent one key at a time (intent_set,
 * intent_get, intent_unset, intent_add/rename/remove_vm, intent_check), as
 * the setup wizard does: every key round-trips, a bad value is refused
 * with the file parser's message and changes nothing; and
 * intent_parse_file_keys() tells of every key a file sets (the wizard
 * keeps those it does not ask). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "planner/intent.h"
#include "lib/util.h"
#include "tests/unit/tap.h"

static const struct {
    const char *section, *key, *value, *spelled;
} keys[] = {
    { "host", "housekeeping_cores_per_numa", "2", "2" },
    { "host", "host_memory", "6144M", "6G" },
    { "host", "host_memory", "1536", "1536M" },
    { "host", "hugepage_size", "2m", "2M" },
    { "host", "guest_memory_percent", "50", "50" },
    { "host", "kernel", "5.15.0-91-generic", "5.15.0-91-generic" },
    { "host", "kernel_cmdline", "tuned", "tuned" },
    { "ovs", "pmd_cores_per_numa", "2", "2" },
    { "ovs", "pmd_cores_per_numa", "0:2,3:1", "0:2,3:1" },
    { "ovs", "pmd_siblings", "idle", "idle" },
    { "ovs", "mtu", "9000", "9000" },
    { "ovs", "pmd_rxq_assign", "cycles", "cycles" },
    { "emulator", "policy", "isolate", "isolate" },
    { "emulator", "shared_cores", "2", "2" },
    { "emulator", "shared_cores", "0", "0" },
    { "libvirt", "virt_type", "qemu", "qemu" },
    { "vm a", "vcpus", "4", "4" },
    { "vm a", "memory", "4096", "4G" },
    { "vm a", "nics", "vhost:100,sriov:300, vhost", "vhost:100, sriov:300, vhost" },
    { "vm a", "nics", "sriov:300@0000:03:00.1,sriov @ 0000:03:00.1",
      "sriov:300@0000:03:00.1, sriov@0000:03:00.1" },
    { "vm a", "thread_policy", "require", "require" },
    { "vm a", "cpu_policy", "shared", "shared" },
    { "vm a", "cpu_policy", "dedicated", "dedicated" },
    { "vm a", "numa", "1", "1" },
    { "vm a", "sriov_pf", "0000:03:00.1", "0000:03:00.1" },
    { "vm a", "queues", "2", "2" },
    { "vm a", "disk", "/var/lib/libvirt/images/a.qcow2",
      "/var/lib/libvirt/images/a.qcow2" },
    { "vm a", "cdrom", "/srv/debian.iso", "/srv/debian.iso" },
};

static void
test_round_trip(struct intent *in)
{
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        struct diag d;
        char *got;

        diag_init(&d);
        is_int(intent_set(in, keys[i].section, keys[i].key, keys[i].value,
                          &d), 0, "set [%s] %s = %s", keys[i].section,
               keys[i].key, keys[i].value);
        got = intent_get(in, keys[i].section, keys[i].key);
        is_str(got, keys[i].spelled, "... reads back as the file spells it");
        free(got);
        diag_destroy(&d);
    }
}

/* A bad value: the file's message without "file:line: ", and the key keeps
 * its value. */
static void
refused(struct intent *in, const char *section, const char *key,
        const char *value, const char *msg)
{
    char *before = intent_get(in, section, key);
    char *after;
    struct diag d;

    diag_init(&d);
    is_int(intent_set(in, section, key, value, &d), NFV_EINPUT,
           "[%s] %s = %s is refused", section, key, value);
    is_str(d.msg, msg, "... with the file parser's message");
    after = intent_get(in, section, key);
    ok((!before && !after) || (before && after && !strcmp(before, after)),
       "... and the value is unchanged");
    free(before);
    free(after);
    diag_destroy(&d);
}

static void
test_refused(struct intent *in)
{
    refused(in, "ovs", "mtu", "99999",
            "bad mtu '99999': expected an integer from 68 to 9702");
    refused(in, "ovs", "pmd_cores_per_numa", "0:1,0:2",
            "bad pmd_cores_per_numa '0:1,0:2': expected a count (0-64) or "
            "per-node counts such as 0:2,1:1");
    refused(in, "vm a", "nics", "vhost,tap",
            "bad nics 'vhost,tap' for VM a: bad NIC type 'tap'; expected a "
            "list of TYPE[:VLAN] with TYPE vhost or sriov and VLAN 1-4094, "
            "an sriov NIC optionally with @PF, e.g. vhost:100, "
            "sriov:300@0000:03:00.1");
    refused(in, "vm a", "memory", "0",
            "bad memory '0' for VM a: expected a size such as 4G or 512M");
    refused(in, "vm a", "disk", "a.qcow2",
            "bad disk 'a.qcow2' for VM a: expected an absolute path without "
            "quotes or backslashes");
    refused(in, "host", "colour", "blue",
            "unknown key 'colour' in [host]: expected "
            "housekeeping_cores_per_numa, host_memory, hugepage_size, "
            "guest_memory_percent, kernel or kernel_cmdline");
    refused(in, "host", "kernel", "linux-6",
            "bad kernel 'linux-6': expected a Linux release such as 6.1 or "
            "5.15.0-91-generic");
    refused(in, "vm b", "vcpus", "2", "no [vm b] in the intent");
    refused(in, "gpu", "count", "1", "unknown section [gpu]: expected "
            "[host], [ovs], [emulator], [libvirt], [uplink PCI] or [vm NAME]");
    refused(in, "uplink 0000:05:00.0", "mode", "switchdev",
            "[uplink 0000:05:00.0]: 0000:05:00.0 is not an uplink of the "
            "intent");
    refused(in, "host", "host_memory", "", "empty value for 'host_memory' "
            "in [host]");
}

static void
test_vms_and_uplinks(struct intent *in)
{
    struct diag d;
    char *s;

    diag_init(&d);
    is_int(intent_add_vm(in, "a", &d), NFV_EINPUT, "a second VM a is refused");
    is_str(d.msg, "there is already a VM named a", "... saying why");
    diag_destroy(&d);
    diag_init(&d);
    is_int(intent_add_vm(in, "bad name", &d), NFV_EINPUT, "a bad name is refused");
    diag_destroy(&d);
    diag_init(&d);
    is_int(intent_add_vm(in, "b", &d), 0, "VM b added");
    intent_set(in, "vm b", "vcpus", "3", &d);
    intent_set(in, "vm b", "thread_policy", "require", &d);
    is_int(intent_check(in, &d), NFV_EINPUT, "intent_check: b has no memory");
    is_str(d.msg, "[vm b] has no 'memory': every VM needs vcpus and memory",
           "... the file parser's message");
    diag_destroy(&d);
    diag_init(&d);
    intent_set(in, "vm b", "memory", "1G", &d);
    is_int(intent_check(in, &d), NFV_EINPUT,
           "intent_check: require with 3 vCPUs");
    diag_destroy(&d);
    diag_init(&d);
    is_int(intent_rename_vm(in, 1, "a", &d), NFV_EINPUT,
           "renaming b to a, a name taken, is refused");
    is_int(intent_rename_vm(in, 1, "c", &d) || intent_rename_vm(in, 1, "b", &d),
           0, "renaming b to c and back");
    diag_destroy(&d);
    intent_remove_vm(in, 0);
    is_int(in->n_vms, 1, "VM a removed");
    is_str(in->vms[0].name, "b", "... b is left");
    s = intent_get(in, "vm b", "numa");
    ok(!s, "an unset optional key reads as NULL");
    diag_init(&d);
    intent_set(in, "vm b", "disk", "/srv/b.img", &d);
    intent_set(in, "vm b", "numa", "0", &d);
    is_int(intent_unset(in, "vm b", "disk", &d), 0, "intent_unset: disk");
    is_int(intent_unset(in, "vm b", "numa", &d), 0, "intent_unset: numa");
    ok(!intent_get(in, "vm b", "disk") && !intent_get(in, "vm b", "numa"),
       "... both read as unset");
    is_int(intent_unset(in, "vm b", "vcpus", &d), NFV_EINPUT,
           "intent_unset refuses a required key");
    is_str(d.msg, "'vcpus' in [vm b] cannot be left unset", "... saying so");
    diag_destroy(&d);

    diag_init(&d);
    intent_set(in, "ovs", "uplink", "0000:03:00.0", &d);
    intent_set(in, "ovs", "uplink", "0000:81:00.1", &d);
    s = intent_get(in, "ovs", "uplink");
    is_str(s, "0000:03:00.0, 0000:81:00.1", "uplinks add up and read as a list");
    free(s);
    is_int(intent_set(in, "ovs", "uplink", "0000:03:00.0", &d), NFV_EINPUT,
           "a duplicate uplink is refused");
    diag_destroy(&d);
    diag_init(&d);
    s = intent_get(in, "uplink 0000:81:00.1", "mode");
    is_str(s, "legacy", "an uplink's mode is legacy by default");
    free(s);
    is_int(intent_set(in, "uplink 0000:81:00.1", "mode", "switchdev", &d), 0,
           "[uplink PCI] mode = switchdev");
    s = intent_get(in, "uplink 0000:81:00.1", "mode");
    is_str(s, "switchdev", "... reads back");
    free(s);
    diag_destroy(&d);
    intent_clear_uplinks(in);
    ok(!intent_get(in, "ovs", "uplink"), "intent_clear_uplinks: none left");
}

static void
tell_key(void *told_, const char *section, const char *key,
         const char *value)
{
    sbuf_printf(told_, "%s|%s|%s\n", section, key, value);
}

/* Every key in file order, its section as the intent reads it (blanks
 * trimmed), each line of a repeated key, values without their inline
 * comment. */
static void
test_parse_keys(void)
{
    char path[] = "/tmp/test-intent-edit-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    struct intent in;
    struct sbuf told;
    struct diag d;

    if (!f) {
        ok(false, "a temporary intent file");
        return;
    }
    fputs("[ host ]\nkernel = 6.1\n[ovs]\nuplink = 0000:03:00.0\n"
          "uplink = 0000:03:00.1\nsocket_group = kvm   ; here\n"
          "[uplink 0000:03:00.0]\nmode = switchdev\n"
          "[vm a]\nvcpus = 2\nmemory = 1G\ncpu_policy = shared\n", f);
    fclose(f);
    intent_default(&in);
    diag_init(&d);
    sbuf_init(&told);
    is_int(intent_parse_file_keys(path, &in, tell_key, &told, &d), 0,
           "intent_parse_file_keys: parses");
    is_str(told.s, "host|kernel|6.1\novs|uplink|0000:03:00.0\n"
           "ovs|uplink|0000:03:00.1\novs|socket_group|kvm\n"
           "uplink 0000:03:00.0|mode|switchdev\nvm a|vcpus|2\n"
           "vm a|memory|1G\nvm a|cpu_policy|shared\n",
           "... and tells of every key, in file order");
    ok(in.uplinks[0].switchdev && !strcmp(in.socket_group, "kvm"),
       "... into the intent as intent_parse_file() does");
    sbuf_destroy(&told);
    diag_destroy(&d);
    intent_destroy(&in);
    unlink(path);
}

int
main(void)
{
    struct intent in;
    struct diag d;

    intent_default(&in);
    diag_init(&d);
    intent_add_vm(&in, "a", &d);
    diag_destroy(&d);
    test_round_trip(&in);
    test_refused(&in);
    test_vms_and_uplinks(&in);
    intent_destroy(&in);
    test_parse_keys();
    return done_testing();
}
