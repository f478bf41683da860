# ctest: both examples run with small arguments, and each prints the R / T_trust that
# `teepsim run` gives for its equivalent scenario (tests/examples/*.yaml).
add_test(NAME example_hand_built_runs
         COMMAND teep-hand-built-example --devices=3 --hours=6 --t0=3)
add_test(NAME example_fleet_runs
         COMMAND teep-fleet-example --devices=4 --fanout=2 --hours=8 --t0=3 --validity=4)
# The same network with the message-level transport (servers addressed by interface address).
add_test(NAME example_fleet_message_runs
         COMMAND teep-fleet-example --devices=4 --fanout=2 --hours=8 --t0=3 --validity=4
                 --transport=message)
add_test(NAME example_hand_built_matches_teepsim_run
         COMMAND ${PROJECT_SOURCE_DIR}/tests/examples/compare_with_run.sh
                 $<TARGET_FILE:teep-hand-built-example> $<TARGET_FILE:teepsim>
                 ${PROJECT_SOURCE_DIR}/tests/examples/hand_built.yaml)
# The fleet example on its own ns-3 network (TCP, one access router for up to 64 devices) is
# the full-transport tree `teepsim run` builds for tests/examples/fleet.yaml.
add_test(NAME example_fleet_matches_teepsim_run
         COMMAND ${PROJECT_SOURCE_DIR}/tests/examples/compare_with_run.sh
                 $<TARGET_FILE:teep-fleet-example> $<TARGET_FILE:teepsim>
                 ${PROJECT_SOURCE_DIR}/tests/examples/fleet.yaml --devices=5 --hours=8 --t0=3
                 --validity=4)
set_tests_properties(example_hand_built_runs example_fleet_runs example_fleet_message_runs
                     example_hand_built_matches_teepsim_run example_fleet_matches_teepsim_run
                     PROPERTIES TIMEOUT 120 LABELS example)
