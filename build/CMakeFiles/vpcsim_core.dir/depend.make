# Empty dependencies file for vpcsim_core.
# This may be replaced when dependencies are built.
