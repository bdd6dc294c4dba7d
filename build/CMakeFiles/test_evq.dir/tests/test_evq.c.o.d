CMakeFiles/test_evq.dir/tests/test_evq.c.o: /work/main/tests/test_evq.c \
 /usr/include/stdc-predef.h
