# tests/e2e/lib.sh: real guests from a plan, for tests.  Source it after
# tests/lib.sh, tests/ovs-harness.sh and tests/e2e-libvirtd.sh, with the
# guest built (tests/e2e/build-guest.sh) and libvirtd running; then:
#
#   e2e_guest_files KERNEL INITRD
#       The guest's kernel and initramfs, copied to $SCRATCH where
#       libvirt-qemu can read them.
#   e2e_start_guest PLAN VM ADDRS RUN
#       Writes a template ($SCRATCH/VM.template.xml: the guest's kernel,
#       initramfs and command line, a serial console in $SCRATCH/VM.console,
#       nothing of the plan), has 'nfvhost vm xml --plan PLAN --vm VM
#       --template' turn it into the domain ($SCRATCH/VM.xml, not edited
#       afterwards), validates that against libvirt's schema, defines it on
#       qemu:///system and starts it.  ADDRS: the address of each NIC, in
#       the plan's NIC order ("198.18.100.2/24 198.18.200.2/24"); the guest
#       finds each NIC by the plan's MAC.  RUN: the guest's traffic script
#       (tests/e2e/init).  One TAP line per step; non-zero when the
#       domain did not start.
#   e2e_console VM             the guest's serial console so far
#   e2e_qemu_pid VM            the pid of the VM's QEMU
#   e2e_vcpu_affinity VM       from /proc, one line per vCPU thread,
#                              "VCPU CPULIST" (its Cpus_allowed_list)
#   e2e_emulator_affinity VM   from /proc, the Cpus_allowed_list of every
#                              other QEMU thread, sorted, each list once
#   e2e_plan_vcpu_cpus PLAN VM VCPU   what the plan gives that vCPU: its pin,
#                              or the shared CPUs of a cpu_policy shared VM
#
# QEMU 7.2 dereferences a KVM-only irqfd table when a vhost-user NIC's
# MSI-X vector is unmasked under TCG (virtio_pci_vector_unmask ->
# kvm_virtio_pci_irqfd_use, a segfault as the guest's virtio_net starts
# the device), so the template gives virtio-net no MSI-X vectors: the
# guests use INTx (docs/e2e.md).

e2e_guest_files() { # KERNEL INITRD
    cp "$1" "$SCRATCH/vmlinuz" && cp "$2" "$SCRATCH/initrd.img"
}

# The template: how this guest boots and where it reports; the plan's part
# (memory, CPUs, NICs, domain type) is 'nfvhost vm xml''s.
_e2e_template() { # VM NFVNET RUN
    cat <<EOF
<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$1</name>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$SCRATCH/vmlinuz</kernel>
    <initrd>$SCRATCH/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet ipv6.disable=1 panic=-1 nfvnet=$2 nfvrun="$3"</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <serial type='file'>
      <source path='$SCRATCH/$1.console'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-global'/>
    <qemu:arg value='virtio-net-pci.vectors=0'/>
  </qemu:commandline>
</domain>
EOF
}

# nfvnet=MAC=ADDR,...: the plan's MACs with the test's addresses.
_e2e_nfvnet() { # PLAN VM ADDRS
    python3 - "$@" <<'PY'
import json, sys
plan, vm, addrs = sys.argv[1], sys.argv[2], sys.argv[3].split()
nics = [v for v in json.load(open(plan))["vms"] if v["name"] == vm][0]["nics"]
print(",".join("%s=%s" % (n["mac"], a) for n, a in zip(nics, addrs)))
PY
}

e2e_start_guest() { # PLAN VM ADDRS RUN
    _e2e_template "$2" "$(_e2e_nfvnet "$1" "$2" "$3")" "$4" \
        >"$SCRATCH/$2.template.xml"
    "$NFVHOST" vm xml --plan "$1" --vm "$2" \
        --template "$SCRATCH/$2.template.xml" --output "$SCRATCH/$2.xml"
    tap_ok $? "$2: nfvhost vm xml wrote the domain from the plan"
    virt-xml-validate "$SCRATCH/$2.xml" domain >"$SCRATCH/$2.validate" 2>&1
    _rc=$?
    tap_ok $_rc "$2: the domain validates against libvirt's schema"
    [ $_rc = 0 ] || sed 's/^/#   /' "$SCRATCH/$2.validate"
    libvirtd_harness_domain "$2"
    lv_virsh define "$SCRATCH/$2.xml" >/dev/null
    tap_ok $? "$2: defined on $LIBVIRTD_URI"
    lv_virsh start "$2" >/dev/null
    _rc=$?
    tap_ok $_rc "$2: started"
    return $_rc
}

e2e_console() { tr -d '\r' <"$SCRATCH/$1.console" 2>/dev/null; }

e2e_qemu_pid() { cat "/run/libvirt/qemu/$1.pid"; }

_e2e_tasks() { # VM: "COMM<TAB>CPULIST" per QEMU thread
    for _t in /proc/"$(e2e_qemu_pid "$1")"/task/*; do
        printf '%s\t%s\n' "$(cat "$_t/comm")" \
            "$(sed -n 's/^Cpus_allowed_list:\t//p' "$_t/status")"
    done
}

# vCPU threads are named "CPU N/KVM" or, under TCG, "CPU N/TCG".
e2e_vcpu_affinity() { # VM
    _e2e_tasks "$1" | sed -n 's|^CPU \([0-9]*\)/[A-Z]*\t|\1 |p' | sort -n
}

e2e_emulator_affinity() { # VM
    _e2e_tasks "$1" | grep -v '^CPU [0-9]*/' | cut -f2 | sort -u
}

e2e_plan_vcpu_cpus() { # PLAN VM VCPU
    python3 - "$@" <<'PY'
import json, sys
plan, vm, i = sys.argv[1], sys.argv[2], int(sys.argv[3])
p = json.load(open(plan))
v = [v for v in p["vms"] if v["name"] == vm][0]
print(v["vcpupin"][i] if v["vcpupin"] else v["cpus"])
PY
}
