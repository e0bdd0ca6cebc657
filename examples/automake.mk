# examples: the home-lab reference box.
EXTRA_DIST += examples/homelab/topology.xml examples/homelab/intent.ini
