# planner: topology + intent -> plan (pure), plan -> text (emitters).
libnfvhost_a_SOURCES += \
	planner/topology.c planner/topology.h \
	planner/sysfs-nic.c planner/sysfs-nic.h \
	planner/intent.c planner/intent.h \
	planner/plan.c planner/plan.h planner/plan-state.h \
	planner/pools.c \
	planner/vm-place.c \
	planner/memory.c \
	planner/wiring.c \
	planner/replan.c \
	planner/emit.h \
	planner/emit-config.c \
	planner/emit-json.c \
	planner/emit-summary.c \
	planner/emit-svg.c \
	planner/outputs.c planner/outputs.h
