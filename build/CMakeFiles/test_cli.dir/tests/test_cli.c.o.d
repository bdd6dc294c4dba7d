CMakeFiles/test_cli.dir/tests/test_cli.c.o: /work/main/tests/test_cli.c \
 /usr/include/stdc-predef.h
