file(REMOVE_RECURSE
  "CMakeFiles/vpcsim.dir/sim/main.c.o"
  "CMakeFiles/vpcsim.dir/sim/main.c.o.d"
  "vpcsim"
  "vpcsim.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/vpcsim.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
