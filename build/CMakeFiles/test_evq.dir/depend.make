# Empty dependencies file for test_evq.
# This may be replaced when dependencies are built.
