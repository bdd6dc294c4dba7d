CMakeFiles/test_phold.dir/tests/test_phold.c.o: \
 /work/main/tests/test_phold.c /usr/include/stdc-predef.h
