#!/usr/bin/env python3
"""fake-host.py PLAN.json ROOT [--group G]: a fake /sys, /proc and /etc
under ROOT of a host that is exactly what the plan says, for
'nfvhost check --sysfs-root ROOT --plan PLAN.json' (tests/check-fake.sh).

What it writes, from the plan:
  proc/cmdline               the plan's kernel arguments
  sys/devices/system/cpu     online, isolated, nohz_full; per CPU the
                             performance governor and cpuidle states, the
                             deep one disabled
  sys/class/iommu/ivhd0      an IOMMU
  sys/kernel/mm/...          THP madvise; hugepage pools per size
  sys/devices/system/node    each node's pool: the plan's count, all free
  proc/meminfo, proc/mounts  a hugetlbfs of the plan's page size at
                             dev/hugepagesN, group G, mode 1770
  etc/default/grub.d, etc/tuned  the plan's GRUB drop-in and tuned files
                             (from the plan's directory), tuned active
  sys/bus/pci/devices        each PCI uplink on its node, bound to
                             vfio-pci, alone in an IOMMU group, with two
                             MSI IRQs; each SR-IOV PF with its VFs
  proc/irq                   device IRQs on housekeeping CPUs; IRQ 0 (no
                             handler) on an isolated CPU, to be ignored
  proc/PID                   a QEMU process per VM (PID 1000 + index),
                             '-name guest=NAME,debug-threads=on', its vCPU
                             threads 'CPU N/KVM' pinned as planned and
                             two emulator threads on the emulator CPUs
Tests then break one thing at a time."""
import json
import os
import sys


def cpulist(s):
    out = set()
    for part in filter(None, s.split(",")):
        if "-" in part:
            a, b = part.split("-")
            out.update(range(int(a), int(b) + 1))
        else:
            out.add(int(part))
    return out


def put(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text if text.endswith("\n") else text + "\n")


def link(root, path, target):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    os.symlink(target, full)


def stat_line(tid, comm, cpu):
    # proc(5): fields 3..52; utime (14) and stime (15) 0, processor (39).
    fields = ["S"] + ["0"] * 49
    fields[39 - 3] = str(cpu)
    return "%d (%s) %s" % (tid, comm, " ".join(fields))


def task(root, pid, tid, comm, allowed):
    base = "proc/%d/task/%d" % (pid, tid)
    put(root, base + "/comm", comm)
    put(root, base + "/stat", stat_line(tid, comm, min(allowed)))
    lst = ",".join(str(c) for c in sorted(allowed))
    put(root, base + "/status", "Name:\t%s\nState:\tS (sleeping)\n"
        "Cpus_allowed_list:\t%s\n" % (comm, lst))


def main():
    plan_path, root = sys.argv[1], sys.argv[2]
    group = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--group" \
        else "root"
    plan = json.load(open(plan_path))
    plan_dir = os.path.dirname(os.path.abspath(plan_path))
    k = plan["kernel"]
    usable = cpulist(plan["host"]["usable_cpus"])
    hk = cpulist(k["housekeeping_cpus"])
    args = dict(a.split("=", 1) for a in k["args"] if "=" in a)

    put(root, "proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 %s quiet"
        % " ".join(k["args"]))
    cpu = "sys/devices/system/cpu"
    put(root, cpu + "/online", plan["host"]["usable_cpus"])
    put(root, cpu + "/isolated", k["isolated_cpus"])
    put(root, cpu + "/nohz_full", args.get("nohz_full", "(null)"))
    for c in usable:
        put(root, "%s/cpu%d/cpufreq/scaling_governor" % (cpu, c),
            "performance")
        for n, (name, lat, dis) in enumerate([("POLL", 0, 0), ("C1", 1, 0),
                                              ("C6", 133, 1)]):
            d = "%s/cpu%d/cpuidle/state%d" % (cpu, c, n)
            put(root, d + "/name", name)
            put(root, d + "/latency", str(lat))
            put(root, d + "/disable", str(dis))
    os.makedirs(os.path.join(root, "sys/class/iommu/ivhd0"), exist_ok=True)
    put(root, "sys/kernel/mm/transparent_hugepage/enabled",
        "always [madvise] never")

    # Hugepages: every node's planned pool, all free.
    size = plan["settings"]["hugepage_size_kb"]
    sizes = sorted({2048, size})
    total = sum(n["hugepages"]["count"] for n in plan["numa_nodes"])
    for z in sizes:
        for a in ("nr", "free", "resv", "surplus"):
            put(root, "sys/kernel/mm/hugepages/hugepages-%dkB/%s_hugepages"
                % (z, a), str(total if z == size and a in ("nr", "free")
                              else 0))
    for n in plan["numa_nodes"]:
        d = "sys/devices/system/node/node%d" % n["id"]
        put(root, d + "/meminfo", "Node %d MemTotal: %d kB"
            % (n["id"], n["memory_mb"] * 1024))
        for z in sizes:
            cnt = n["hugepages"]["count"] if z == size else 0
            for a, v in (("nr", cnt), ("free", cnt), ("surplus", 0)):
                put(root, "%s/hugepages/hugepages-%dkB/%s_hugepages"
                    % (d, z, a), str(v))
    put(root, "proc/meminfo", "MemTotal: 33554432 kB\nHugepagesize: %d kB"
        % size)
    mnt = "dev/hugepages%s" % ("1G" if size == 1048576 else "")
    os.makedirs(os.path.join(root, mnt), exist_ok=True)
    os.chmod(os.path.join(root, mnt), 0o1770)
    if group != "root":
        import grp
        os.chown(os.path.join(root, mnt), 0, grp.getgrnam(group).gr_gid)
    put(root, "proc/mounts", "sysfs /sys sysfs rw 0 0\n"
        "hugetlbfs /%s hugetlbfs rw,relatime,pagesize=%s 0 0"
        % (mnt, "1024M" if size == 1048576 else "2M"))

    # The plan's own boot files, installed and active.
    put(root, "etc/default/grub.d/nfvhost.cfg",
        open(os.path.join(plan_dir, "grub.d/nfvhost.cfg")).read())
    put(root, "etc/tuned/cpu-partitioning-variables.conf",
        open(os.path.join(plan_dir,
                          "tuned/cpu-partitioning-variables.conf")).read())
    put(root, "etc/tuned/active_profile", "cpu-partitioning")

    # IRQs: device ones on housekeeping CPUs; IRQ 0 has no handler.
    hk_list = k["housekeeping_cpus"]
    for irq in range(24, 30):
        d = "proc/irq/%d" % irq
        os.makedirs(os.path.join(root, d, "dev%d" % irq), exist_ok=True)
        put(root, d + "/smp_affinity_list", hk_list)
        put(root, d + "/effective_affinity_list", str(min(hk)))
    put(root, "proc/irq/0/smp_affinity_list", plan["host"]["usable_cpus"])
    put(root, "proc/irq/0/effective_affinity_list",
        str(max(cpulist(k["isolated_cpus"]) or {0})))

    # PCI: uplinks on vfio-pci, each alone in its IOMMU group.
    pfs = {p["pci"]: p for p in plan.get("sriov_pfs", [])}
    devs = "sys/bus/pci/devices"
    for g, u in enumerate(plan["uplinks"]):
        d = "%s/%s" % (devs, u["pci"])
        put(root, d + "/class", "0x020000")
        put(root, d + "/numa_node", str(u["numa"]))
        os.makedirs(os.path.join(root, "sys/bus/pci/drivers/vfio-pci"),
                    exist_ok=True)
        link(root, d + "/driver", "../../../bus/pci/drivers/vfio-pci")
        group_dir = "sys/kernel/iommu_groups/%d" % (20 + g)
        link(root, d + "/iommu_group", "../../../../kernel/iommu_groups/%d"
             % (20 + g))
        link(root, group_dir + "/devices/" + u["pci"],
             "../../../../bus/pci/devices/" + u["pci"])
        node_hk = [n for n in plan["numa_nodes"] if n["id"] == u["numa"]]
        node_hk = node_hk[0]["pools"]["housekeeping"] if node_hk else hk_list
        for irq in (40 + 2 * g, 41 + 2 * g):
            os.makedirs(os.path.join(root, d, "msi_irqs", str(irq)),
                        exist_ok=True)
            os.makedirs(os.path.join(root, "proc/irq/%d/vfio-msix" % irq),
                        exist_ok=True)
            put(root, "proc/irq/%d/smp_affinity_list" % irq, node_hk)
            put(root, "proc/irq/%d/effective_affinity_list" % irq,
                str(min(cpulist(node_hk))))
    for pci, pf in pfs.items():
        d = "%s/%s" % (devs, pci)
        put(root, d + "/class", "0x020000")
        put(root, d + "/sriov_totalvfs", "64")
        put(root, d + "/sriov_numvfs", str(pf["numvfs"]))
        for vf in range(pf["numvfs"]):
            addr = pci[:-4] + "%02x.%d" % (2 + vf // 8, vf % 8)
            put(root, "%s/%s/class" % (devs, addr), "0x020000")
            link(root, "%s/virtfn%d" % (d, vf), "../" + addr)
            link(root, "%s/%s/physfn" % (devs, addr), "../" + pci)

    # A QEMU process per VM, pinned as planned.
    for i, vm in enumerate(plan["vms"]):
        pid = 1000 + 10 * i
        put(root, "proc/%d/cmdline" % pid,
            "/usr/bin/qemu-system-x86_64\0-name\0guest=%s,debug-threads=on"
            "\0-S\0" % vm["name"])
        emu = cpulist(vm["emulatorpin"]) or usable
        task(root, pid, pid, "qemu-system-x86", emu)
        task(root, pid, pid + 1, "IO mon_iothread", emu)
        for v, c in enumerate(vm["vcpupin"]):
            task(root, pid, pid + 2 + v, "CPU %d/KVM" % v, {c})


main()
