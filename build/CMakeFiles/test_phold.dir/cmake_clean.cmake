file(REMOVE_RECURSE
  "CMakeFiles/test_phold.dir/tests/test_phold.c.o"
  "CMakeFiles/test_phold.dir/tests/test_phold.c.o.d"
  "test_phold"
  "test_phold.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_phold.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
