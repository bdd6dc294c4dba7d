file(REMOVE_RECURSE
  "CMakeFiles/test_evq.dir/tests/test_evq.c.o"
  "CMakeFiles/test_evq.dir/tests/test_evq.c.o.d"
  "test_evq"
  "test_evq.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_evq.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
