# CMake generated Testfile for 
# Source directory: /work/main
# Build directory: /work/main/build
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(test_evq "/work/main/build/test_evq")
set_tests_properties(test_evq PROPERTIES  ENVIRONMENT "VPCSIM_BIN=/work/main/build/vpcsim;VPCSIM_SOURCE_DIR=/work/main" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;80;add_test;/work/main/CMakeLists.txt;85;vpcsim_test;/work/main/CMakeLists.txt;0;")
add_test(test_rng "/work/main/build/test_rng")
set_tests_properties(test_rng PROPERTIES  ENVIRONMENT "VPCSIM_BIN=/work/main/build/vpcsim;VPCSIM_SOURCE_DIR=/work/main" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;80;add_test;/work/main/CMakeLists.txt;86;vpcsim_test;/work/main/CMakeLists.txt;0;")
add_test(test_engine "/work/main/build/test_engine")
set_tests_properties(test_engine PROPERTIES  ENVIRONMENT "VPCSIM_BIN=/work/main/build/vpcsim;VPCSIM_SOURCE_DIR=/work/main" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;80;add_test;/work/main/CMakeLists.txt;87;vpcsim_test;/work/main/CMakeLists.txt;0;")
add_test(test_phold "/work/main/build/test_phold")
set_tests_properties(test_phold PROPERTIES  ENVIRONMENT "VPCSIM_BIN=/work/main/build/vpcsim;VPCSIM_SOURCE_DIR=/work/main" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;80;add_test;/work/main/CMakeLists.txt;88;vpcsim_test;/work/main/CMakeLists.txt;0;")
add_test(test_cli "/work/main/build/test_cli")
set_tests_properties(test_cli PROPERTIES  ENVIRONMENT "VPCSIM_BIN=/work/main/build/vpcsim;VPCSIM_SOURCE_DIR=/work/main" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;80;add_test;/work/main/CMakeLists.txt;89;vpcsim_test;/work/main/CMakeLists.txt;0;")
add_test(layering "/usr/bin/cmake" "-DSRC=/work/main" "-P" "/work/main/tests/layering.cmake")
set_tests_properties(layering PROPERTIES  _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;92;add_test;/work/main/CMakeLists.txt;0;")
