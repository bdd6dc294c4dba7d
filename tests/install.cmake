# Installs the build into a fresh prefix (cmake --install BUILD --prefix ...), moves nothing
# else, and checks that the installed binary, run from another folder, finds the shipped price and
# defaults tables under PREFIX/share/vpcsim; that the plot scripts are installed executable; that
# the binary names no source path of the tables; and that VPCSIM_DATA_DIR overrides the search.
# Run as: cmake -DSRC=<source> -DBUILD=<build> -P tests/install.cmake
set(prefix ${BUILD}/install-test)
set(away ${BUILD}/install-test-cwd)
file(REMOVE_RECURSE ${prefix} ${away})
file(MAKE_DIRECTORY ${away})
unset(ENV{VPCSIM_DATA_DIR})

function(run expect_rc out_var)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${away} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expect_rc)
    message(FATAL_ERROR "${ARGN}: exit ${rc}, wanted ${expect_rc}\n${out}\n${err}")
  endif()
  set(${out_var} "${out}${err}" PARENT_SCOPE)
endfunction()

run(0 out ${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
foreach(f bin/vpcsim share/vpcsim/prices/aws-us-east-1.yaml
          share/vpcsim/defaults/aws-us-east-1.yaml share/vpcsim/plots/vpcplot.py)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "cmake --install left no ${f} in ${prefix}")
  endif()
endforeach()
run(0 out find ${prefix}/share/vpcsim/plots -name "*.py" ! -name vpcplot.py ! -perm -u+x)
if(out OR NOT EXISTS ${prefix}/share/vpcsim/plots/latency_cdf.py)
  message(FATAL_ERROR "plot scripts missing or not executable: ${out}")
endif()

# The prices: check prints the table's source Region and the NAT gateway's hourly price from it.
run(0 out ${prefix}/bin/vpcsim check ${SRC}/experiments/examples/s3-access.yaml)
if(NOT out MATCHES "us-east-1 prices taken")
  message(FATAL_ERROR "installed check did not price from the shipped table:\n${out}")
endif()
# The defaults: a short run loads them (and the prices).
run(0 out ${prefix}/bin/vpcsim run ${SRC}/experiments/examples/s3-access.yaml --duration 200ms
    --warmup 0s --replications 1 --quiet)

file(STRINGS ${prefix}/bin/vpcsim hits REGEX "${SRC}/experiments")
if(hits)
  message(FATAL_ERROR "the installed binary names the source tree: ${hits}")
endif()

# VPCSIM_DATA_DIR is looked in alone: an empty folder is an error that names it; --prices and
# --defaults win.
set(ENV{VPCSIM_DATA_DIR} ${away})
run(2 out ${prefix}/bin/vpcsim check ${SRC}/experiments/examples/s3-access.yaml)
if(NOT out MATCHES "no prices/aws-us-east-1.yaml in \\$VPCSIM_DATA_DIR")
  message(FATAL_ERROR "VPCSIM_DATA_DIR not honoured:\n${out}")
endif()
run(0 out ${prefix}/bin/vpcsim check ${SRC}/experiments/examples/s3-access.yaml --prices
    ${prefix}/share/vpcsim/prices/aws-us-east-1.yaml --defaults
    ${prefix}/share/vpcsim/defaults/aws-us-east-1.yaml)
unset(ENV{VPCSIM_DATA_DIR})
file(REMOVE_RECURSE ${prefix} ${away})
