file(REMOVE_RECURSE
  "CMakeFiles/vpcsim_models.dir/models/phold.c.o"
  "CMakeFiles/vpcsim_models.dir/models/phold.c.o.d"
  "libvpcsim_models.a"
  "libvpcsim_models.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/vpcsim_models.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
