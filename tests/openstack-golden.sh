#!/bin/sh
# openstack-golden.sh: the home-lab plan's openstack/ files, byte for byte.
# After an intended change, refresh them with
#   NFVHOST_UPDATE_GOLDEN=1 make check TESTS=tests/openstack-golden.sh
. "$top_srcdir/tests/lib.sh"
scratch
GOLDEN="$top_srcdir/tests/golden/homelab/openstack"

"$NFVHOST" plan --topology "$HOMELAB/topology.xml" \
    --intent "$HOMELAB/intent.ini" --output "$SCRATCH/out" >/dev/null
tap_ok $? "home-lab plan"
for f in nova.conf flavors.sh openvswitch_agent.ini sriov_agent.ini controller.conf; do
    if [ "${NFVHOST_UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$SCRATCH/out/openstack/$f" "$GOLDEN/$f"
    fi
    diff -u "$GOLDEN/$f" "$SCRATCH/out/openstack/$f" | sed 's/^/# /'
    cmp -s "$GOLDEN/$f" "$SCRATCH/out/openstack/$f"
    tap_ok $? "openstack/$f matches tests/golden/homelab/openstack/$f"
done
test -x "$SCRATCH/out/openstack/flavors.sh"
tap_ok $? "flavors.sh is executable"
sh -n "$SCRATCH/out/openstack/flavors.sh"
tap_ok $? "flavors.sh is valid sh"

# The script really runs the openstack commands it shows: a stand-in
# 'openstack' on PATH records them.
mkdir "$SCRATCH/bin"
cat > "$SCRATCH/bin/openstack" <<'SH'
#!/bin/sh
echo "$*" >> "$LOG"
[ "$2" != show ]
SH
chmod +x "$SCRATCH/bin/openstack"
LOG="$SCRATCH/calls" PATH="$SCRATCH/bin:$PATH" \
    sh "$SCRATCH/out/openstack/flavors.sh"
tap_ok $? "flavors.sh runs"
tap_is "$(grep -c '^flavor create --vcpus 2 --ram 4096 --disk 20 nfv.2c4g$' "$SCRATCH/calls")" 1 \
    "flavors.sh creates nfv.2c4g"
tap_is "$(grep -c '^flavor set nfv.2c2g --property hw:cpu_policy=dedicated' "$SCRATCH/calls")" 1 \
    "flavors.sh sets nfv.2c2g's properties"
tap_done
