CMakeFiles/test_engine.dir/tests/test_engine.c.o: \
 /work/main/tests/test_engine.c /usr/include/stdc-predef.h
