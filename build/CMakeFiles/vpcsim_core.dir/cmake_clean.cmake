file(REMOVE_RECURSE
  "CMakeFiles/vpcsim_core.dir/sim/bench.c.o"
  "CMakeFiles/vpcsim_core.dir/sim/bench.c.o.d"
  "CMakeFiles/vpcsim_core.dir/sim/cli_args.c.o"
  "CMakeFiles/vpcsim_core.dir/sim/cli_args.c.o.d"
  "CMakeFiles/vpcsim_core.dir/sim/engine.c.o"
  "CMakeFiles/vpcsim_core.dir/sim/engine.c.o.d"
  "CMakeFiles/vpcsim_core.dir/sim/error.c.o"
  "CMakeFiles/vpcsim_core.dir/sim/error.c.o.d"
  "CMakeFiles/vpcsim_core.dir/sim/evq.c.o"
  "CMakeFiles/vpcsim_core.dir/sim/evq.c.o.d"
  "CMakeFiles/vpcsim_core.dir/sim/evq_heap.c.o"
  "CMakeFiles/vpcsim_core.dir/sim/evq_heap.c.o.d"
  "CMakeFiles/vpcsim_core.dir/sim/evq_ladder.c.o"
  "CMakeFiles/vpcsim_core.dir/sim/evq_ladder.c.o.d"
  "CMakeFiles/vpcsim_core.dir/sim/rng.c.o"
  "CMakeFiles/vpcsim_core.dir/sim/rng.c.o.d"
  "libvpcsim_core.a"
  "libvpcsim_core.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/vpcsim_core.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
