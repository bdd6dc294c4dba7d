# The layering rules of README.md (Architecture) and DESIGN.md, checked on every include line:
#   include/vpcsim/*.h      the engine and machinery API: never the AWS model (vpcsim/aws/)
#   sim/engine/             engine headers only (vpcsim/{engine,rng,error,arena,grow}.h, engine/)
#   sim/io/                 engine and io headers; never the AWS model or the CLI
#   models/                 include/vpcsim and their own folder only; never GSL, HDF5, OpenMP,
#                           MPI, YAML or JSON headers, nor sim/ internals
#   sim/cli/                everything; only it includes the HDF5 results writers (cli/h5_*)
# Third-party headers: omp.h only in the scheduler (sim/engine/engine.c) and the job runner
# (sim/engine/jobs.c); hdf5 only in sim/io/h5file.c; yaml.h only in sim/io/config.c.
set(engine_api "vpcsim/(engine|rng|error|arena|grow)\\.h|engine/")
set(io_api "vpcsim/(config|units|dist|hist|stats|mser|infile)\\.h|io/")
set(foreign "gsl/|hdf5|H5[A-Za-z]*\\.h|omp\\.h|mpi\\.h|yaml\\.h|json|jansson")

function(check_includes f allowed why)
  file(STRINGS ${f} lines REGEX "^#include *\"")
  foreach(l ${lines})
    string(REGEX REPLACE "^#include *\"([^\"]+)\".*" "\\1" inc "${l}")
    if(NOT inc MATCHES "^(${allowed})")
      message(FATAL_ERROR "${f} includes \"${inc}\": ${why}")
    endif()
  endforeach()
endfunction()

file(GLOB api ${SRC}/include/vpcsim/*.h)
foreach(f ${api})
  check_includes(${f} "${engine_api}|${io_api}|vpcsim/phold\\.h"
    "the engine and machinery API never includes the AWS model")
endforeach()

file(GLOB engine ${SRC}/sim/engine/*.c ${SRC}/sim/engine/*.h)
foreach(f ${engine})
  get_filename_component(dir ${f} DIRECTORY)
  file(GLOB own RELATIVE ${dir} ${dir}/*.h)
  string(REPLACE ";" "|" own "${own}")
  check_includes(${f} "${engine_api}|${own}" "the engine includes engine headers only")
endforeach()

file(GLOB io ${SRC}/sim/io/*.c ${SRC}/sim/io/*.h)
foreach(f ${io})
  check_includes(${f} "${engine_api}|${io_api}|h5file\\.h"
    "the io layer knows neither the AWS model nor the CLI")
endforeach()

file(GLOB_RECURSE models ${SRC}/models/*.c ${SRC}/models/*.h)
foreach(f ${models})
  get_filename_component(dir ${f} DIRECTORY)
  file(GLOB own RELATIVE ${dir} ${dir}/*.h)
  string(REPLACE ";" "|" own "${own}")
  check_includes(${f} "vpcsim/|${own}" "models see only include/vpcsim and their own folder")
  file(STRINGS ${f} bad REGEX "#include *[<\"](${foreign})")
  if(bad)
    message(FATAL_ERROR "${f} breaks the layering: ${bad}")
  endif()
endforeach()

file(GLOB_RECURSE all ${SRC}/sim/*.c ${SRC}/sim/*.h ${SRC}/include/*.h ${SRC}/models/*.c
     ${SRC}/models/*.h)
foreach(f ${all})
  file(STRINGS ${f} omp REGEX "#include *<omp\\.h>")
  if(omp AND NOT f MATCHES "sim/engine/(engine|jobs)\\.c$")
    message(FATAL_ERROR "${f} includes omp.h: only the scheduler (sim/engine/engine.c) and the "
                        "job runner (sim/engine/jobs.c) may")
  endif()
  file(STRINGS ${f} yaml REGEX "#include *<yaml\\.h>")
  if(yaml AND NOT f MATCHES "sim/io/config\\.c$")
    message(FATAL_ERROR "${f} includes yaml.h: only the configuration reader may")
  endif()
  file(STRINGS ${f} h5 REGEX "#include *[<\"](hdf5|H5)")
  if(h5 AND NOT f MATCHES "sim/io/h5file\\.c$")
    message(FATAL_ERROR "${f} includes HDF5: only the HDF5 file layer (sim/io/h5file.c) may")
  endif()
  file(STRINGS ${f} writer REGEX "#include *\"cli/h5_")
  if(writer AND NOT f MATCHES "sim/cli/")
    message(FATAL_ERROR "${f} includes an HDF5 results writer: only the CLI layer may")
  endif()
endforeach()
message(STATUS "layering ok")
