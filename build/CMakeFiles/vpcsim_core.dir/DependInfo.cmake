
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/sim/bench.c" "CMakeFiles/vpcsim_core.dir/sim/bench.c.o" "gcc" "CMakeFiles/vpcsim_core.dir/sim/bench.c.o.d"
  "/work/main/sim/cli_args.c" "CMakeFiles/vpcsim_core.dir/sim/cli_args.c.o" "gcc" "CMakeFiles/vpcsim_core.dir/sim/cli_args.c.o.d"
  "/work/main/sim/engine.c" "CMakeFiles/vpcsim_core.dir/sim/engine.c.o" "gcc" "CMakeFiles/vpcsim_core.dir/sim/engine.c.o.d"
  "/work/main/sim/error.c" "CMakeFiles/vpcsim_core.dir/sim/error.c.o" "gcc" "CMakeFiles/vpcsim_core.dir/sim/error.c.o.d"
  "/work/main/sim/evq.c" "CMakeFiles/vpcsim_core.dir/sim/evq.c.o" "gcc" "CMakeFiles/vpcsim_core.dir/sim/evq.c.o.d"
  "/work/main/sim/evq_heap.c" "CMakeFiles/vpcsim_core.dir/sim/evq_heap.c.o" "gcc" "CMakeFiles/vpcsim_core.dir/sim/evq_heap.c.o.d"
  "/work/main/sim/evq_ladder.c" "CMakeFiles/vpcsim_core.dir/sim/evq_ladder.c.o" "gcc" "CMakeFiles/vpcsim_core.dir/sim/evq_ladder.c.o.d"
  "/work/main/sim/rng.c" "CMakeFiles/vpcsim_core.dir/sim/rng.c.o" "gcc" "CMakeFiles/vpcsim_core.dir/sim/rng.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/CMakeFiles/vpcsim_models.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
