# The layering rule of DESIGN.md: models see only include/vpcsim and libc (never GSL, HDF5,
# OpenMP or the YAML library); only sim/engine.c (and the independent-runs runner next to it,
# sim/engine_runs.c) touches OpenMP; only the trace writer HDF5;
# only the configuration reader the YAML library.
file(GLOB models ${SRC}/models/*.c ${SRC}/models/*.h)
foreach(f ${models})
  file(STRINGS ${f} bad REGEX "#include *[<\"](gsl/|hdf5|H5|omp\\.h|yaml\\.h|cyaml)")
  if(bad)
    message(FATAL_ERROR "${f} breaks the layering: ${bad}")
  endif()
endforeach()
file(GLOB_RECURSE all ${SRC}/sim/*.c ${SRC}/sim/*.h ${SRC}/include/*.h)
foreach(f ${all})
  file(STRINGS ${f} omp REGEX "#include *<omp\\.h>")
  if(omp AND NOT f MATCHES "sim/engine\\.c$" AND NOT f MATCHES "sim/engine_runs\\.c$")
    message(FATAL_ERROR "${f} includes omp.h: only the scheduler (sim/engine.c) and the runner "
                        "of independent runs (sim/engine_runs.c) may")
  endif()
  file(STRINGS ${f} yaml REGEX "#include *<yaml\\.h>")
  if(yaml AND NOT f MATCHES "sim/config\\.c$")
    message(FATAL_ERROR "${f} includes yaml.h: only the configuration reader may")
  endif()
endforeach()
message(STATUS "layering ok")
