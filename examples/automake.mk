# examples: the home-lab reference box, and the intents of the example
# fleet; installed under DOCDIR/examples (nfvhost plan --topology
# .../examples/homelab/topology.xml --intent .../examples/homelab/intent.ini).
homelabexamplesdir = $(docdir)/examples/homelab
dist_homelabexamples_DATA = examples/homelab/topology.xml examples/homelab/intent.ini
fleetexamplesdir = $(docdir)/examples/fleet
dist_fleetexamples_DATA = examples/fleet/compute.ini examples/fleet/edge.ini \
	examples/fleet/lab.ini examples/fleet/groups.ini
