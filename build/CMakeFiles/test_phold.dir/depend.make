# Empty dependencies file for test_phold.
# This may be replaced when dependencies are built.
