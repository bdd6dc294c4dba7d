# Empty dependencies file for vpcsim.
# This may be replaced when dependencies are built.
