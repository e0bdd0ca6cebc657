# ovs-ext: sources and tests of this part are added here.
