# Empty dependencies file for vpcsim_models.
# This may be replaced when dependencies are built.
