CMakeFiles/test_rng.dir/tests/test_rng.c.o: /work/main/tests/test_rng.c \
 /usr/include/stdc-predef.h
